import type { EntityManager } from '@mikro-orm/postgresql';
import type { Viewer } from '../../auth/viewer.js';
import type { ReadScope } from '../../context.js';
import type { ListSpec } from '../../db/list-loaders.js';
import { BadUserInputError, NotFoundError } from '../../errors.js';
import type { Connection, Page } from '../../graphql/connection.js';
import { nestedConnection } from '../../graphql/nested-connection.js';
import { checkText } from '../../validation.js';
import { Post } from '../post/post.entity.js';
import type { CommentRow } from '../rows.js';
import { User } from '../user/user.entity.js';
import { Comment } from './comment.entity.js';

/** Which comments a list holds. */
export type CommentList =
  | { topLevelOf: number } // a post's comments that reply to no other
  | { repliesTo: number } // direct replies to a comment
  | { writtenBy: number }; // a user's comments

/** Fields of a new comment, with ids already decoded. */
export interface CommentInput {
  postId: number;
  parentId: number | null;
  body: string;
}

const BODY = { min: 1, max: 5_000, trim: false };

const LISTS = {
  topLevelOf: { entity: Comment, parent: 'post', where: { parent: null }, direction: 'asc' },
  repliesTo: { entity: Comment, parent: 'parent', direction: 'asc' },
  writtenBy: { entity: Comment, parent: 'author', direction: 'asc' },
} satisfies Record<string, ListSpec<Comment>>;

/** A list of comments, oldest first, batched across parents. */
export async function listComments(
  scope: ReadScope,
  page: Page,
  list: CommentList,
): Promise<Connection<CommentRow>> {
  const [kind, parentId] = Object.entries(list)[0] as [keyof typeof LISTS, number];
  return nestedConnection(scope, LISTS[kind] as ListSpec<Comment>, parentId, page);
}

/**
 * Comments on a post, or replies to a comment on the same post, as the viewer.
 * @throws NotFoundError for an unknown post or parent, BadUserInputError for a parent on another post
 */
export async function createComment(
  em: EntityManager,
  viewer: Viewer,
  input: CommentInput,
): Promise<Comment> {
  const body = checkText('body', input.body, BODY);
  // No locks here: the database's invariant guards lock the post, the parent and the author
  // FOR SHARE when the row is inserted (in one global order), so a delete of any of them either
  // waits for this comment and then cascades to it, or wins and the insert is refused; the retry
  // that follows then finds the parent gone and answers NOT_FOUND.
  return em.transactional(async (tx) => {
    const post = await tx.findOne(Post, input.postId);
    if (!post) throw NotFoundError.entity('Post');
    let parent: Comment | null = null;
    if (input.parentId !== null) {
      parent = await tx.findOne(Comment, input.parentId);
      if (!parent) throw NotFoundError.entity('Comment');
      if (parent.post.id !== post.id) {
        throw BadUserInputError.invalidField('parentId', 'must be a comment on the same post');
      }
    }
    return tx.create(Comment, { post, parent, author: tx.getReference(User, viewer.userId), body });
  });
}
