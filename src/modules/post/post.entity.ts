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
  },
  indexes: [
    { name: 'post_created_at_id_index', properties: ['createdAt', 'id'] },
    { name: 'post_author_id_created_at_id_index', properties: ['author', 'createdAt', 'id'] },
  ],
});

/** A post written by a user. */
export class Post extends PostSchema.class {}
PostSchema.setClass(Post);
