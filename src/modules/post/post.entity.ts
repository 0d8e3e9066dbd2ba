import { defineEntity, p } from '@mikro-orm/core';
import { createdAtProperty } from '../../db/created-at.property.js';
import { tombstoneProperties } from '../../soft-delete/tombstone.properties.js';
import { User } from '../user/user.entity.js';

const PostSchema = defineEntity({
  name: 'Post',
  properties: {
    id: p.integer().primary(),
    author: () => p.manyToOne(User).deleteRule('cascade'),
    title: p.string().length(200),
    body: p.text(),
    createdAt: createdAtProperty(),
    ...tombstoneProperties(),
    /** Title (weight A) and body (weight B) for full-text search; computed by PostgreSQL, never loaded. */
    searchVector: p
      .string()
      .columnType('tsvector')
      .generated(
        "(setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', body), 'B')) stored",
      )
      .lazy()
      .nullable(),
  },
  indexes: [
    // Auditors' lists see every row; live lists use the partial indexes below, which stay small
    // and fast however many tombstones pile up.
    { name: 'post_created_at_id_index', properties: ['createdAt', 'id'] },
    { name: 'post_author_id_created_at_id_index', properties: ['author', 'createdAt', 'id'] },
    { name: 'post_live_created_at_id_index', properties: ['createdAt', 'id'], where: { deletedAt: null } },
    {
      name: 'post_live_author_id_created_at_id_index',
      properties: ['author', 'createdAt', 'id'],
      where: { deletedAt: null },
    },
    { name: 'post_trash_index', properties: ['deletedAt'], where: { deletedAt: { $ne: null } } },
    {
      name: 'post_search_vector_index',
      expression: 'create index "post_search_vector_index" on "post" using gin ("search_vector")',
    },
  ],
});

/** A post written by a user. */
export class Post extends PostSchema.class {}
PostSchema.setClass(Post);
