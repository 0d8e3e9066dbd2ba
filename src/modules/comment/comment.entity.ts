import { defineEntity, p } from '@mikro-orm/core';
import { createdAtProperty } from '../../db/created-at.property.js';
import { tombstoneProperties } from '../../soft-delete/tombstone.properties.js';
import { Post } from '../post/post.entity.js';
import { User } from '../user/user.entity.js';

const CommentSchema = defineEntity({
  name: 'Comment',
  properties: {
    id: p.integer().primary(),
    post: () => p.manyToOne(Post).deleteRule('cascade'),
    author: () => p.manyToOne(User).deleteRule('cascade'),
    parent: () => p.manyToOne(Comment).nullable().deleteRule('cascade'),
    body: p.text(),
    createdAt: createdAtProperty(),
    ...tombstoneProperties(),
  },
  indexes: [
    { name: 'comment_post_id_created_at_id_index', properties: ['post', 'createdAt', 'id'] },
    { name: 'comment_parent_id_created_at_id_index', properties: ['parent', 'createdAt', 'id'] },
    { name: 'comment_author_id_created_at_id_index', properties: ['author', 'createdAt', 'id'] },
    ...(['post', 'parent', 'author'] as const).map((parent) => ({
      name: `comment_live_${parent}_id_created_at_id_index`,
      properties: [parent, 'createdAt', 'id'] as ('post' | 'parent' | 'author' | 'createdAt' | 'id')[],
      where: { deletedAt: null },
    })),
    // A post's top-level comments (`Post.comments`) without the replies the index above holds.
    {
      name: 'comment_live_top_level_post_id_created_at_id_index',
      properties: ['post', 'createdAt', 'id'],
      where: { deletedAt: null, parent: null },
    },
    // The same page for an auditor (`includeDeleted: true`), tombstones included.
    {
      name: 'comment_top_level_post_id_created_at_id_index',
      properties: ['post', 'createdAt', 'id'],
      where: { parent: null },
    },
    { name: 'comment_trash_index', properties: ['deletedAt'], where: { deletedAt: { $ne: null } } },
  ],
});

/** A comment on a post; `parent` is set when it replies to another comment on the same post. */
export class Comment extends CommentSchema.class {}
CommentSchema.setClass(Comment);
