import { type EntityManager, type FilterQuery, LockMode } from '@mikro-orm/postgresql';
import type { Viewer } from '../../auth/viewer.js';
import type { ReadScope } from '../../context.js';
import { findPage } from '../../db/keyset.js';
import { BadUserInputError, NotFoundError } from '../../errors.js';
import { buildConnection, type Connection, type Page } from '../../graphql/connection.js';
import { checkText } from '../../validation.js';
import { Post } from '../post/post.entity.js';
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

/** A list of comments, oldest first. */
export async function listComments(
  scope: ReadScope,
  page: Page,
  list: CommentList,
): Promise<Connection<Comment>> {
  const where: FilterQuery<Comment> =
    'topLevelOf' in list
      ? { post: list.topLevelOf, parent: null }
      : 'repliesTo' in list
        ? { parent: list.repliesTo }
        : { author: list.writtenBy };
  const rows = await findPage(scope.em, Comment, where, page, 'asc');
  return buildConnection(
    rows,
    page,
    keyOf,
    (c) => c,
    () => scope.em.count(Comment, where),
    scope.visibility,
  );
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
  // FOR SHARE on the post and the parent: a delete of either waits for this comment and then
  // cascades to it, or wins and this comment is refused; never a live reply under a tombstone.
  return em.transactional(async (tx) => {
    const lock = { lockMode: LockMode.PESSIMISTIC_READ } as const;
    const post = await tx.findOne(Post, input.postId, lock);
    if (!post) throw NotFoundError.entity('Post');
    let parent: Comment | null = null;
    if (input.parentId !== null) {
      parent = await tx.findOne(Comment, input.parentId, lock);
      if (!parent) throw NotFoundError.entity('Comment');
      if (parent.post.id !== post.id) {
        throw BadUserInputError.invalidField('parentId', 'must be a comment on the same post');
      }
    }
    return tx.create(Comment, { post, parent, author: tx.getReference(User, viewer.userId), body });
  });
}

function keyOf(comment: Comment) {
  return { createdAt: comment.createdAt, id: comment.id };
}
