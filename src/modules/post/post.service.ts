import { type EntityManager, LockMode } from '@mikro-orm/postgresql';
import type { Viewer } from '../../auth/viewer.js';
import type { ReadScope } from '../../context.js';
import type { ListSpec } from '../../db/list-loaders.js';
import { ForbiddenError, NotFoundError } from '../../errors.js';
import type { Connection, Page } from '../../graphql/connection.js';
import { nestedConnection, rootConnection } from '../../graphql/nested-connection.js';
import { checkText } from '../../validation.js';
import { Comment } from '../comment/comment.entity.js';
import type { PostRow } from '../rows.js';
import { User } from '../user/user.entity.js';
import { Post } from './post.entity.js';

/** Fields of a new post, before validation. */
export interface PostInput {
  title: string;
  body: string;
}

const TITLE = { min: 1, max: 200 };
const BODY = { min: 1, max: 20_000, trim: false };

/** A user's posts, newest first. */
export const POSTS_BY_AUTHOR: ListSpec<Post> = { entity: Post, parent: 'author', direction: 'desc' };
/** All of a post's comments, replies included, for `commentCount`. */
const COMMENTS_OF_POST: ListSpec<Comment> = { entity: Comment, parent: 'post', direction: 'asc' };

/** All posts, newest first, or `authorId`'s (batched across authors). */
export async function listPosts(
  scope: ReadScope,
  page: Page,
  authorId?: number,
): Promise<Connection<PostRow>> {
  if (authorId !== undefined) return nestedConnection(scope, POSTS_BY_AUTHOR, authorId, page);
  return rootConnection(scope, Post, page, 'desc');
}

/** How many comments a post has, replies included (batched across posts). */
export async function countComments(scope: ReadScope, postId: number): Promise<number> {
  return scope.loaders.lists.count(COMMENTS_OF_POST).load(postId);
}

/** Publishes a post by the viewer. @throws BadUserInputError for an invalid title or body */
export async function createPost(em: EntityManager, viewer: Viewer, input: PostInput): Promise<Post> {
  const post = em.create(Post, {
    author: em.getReference(User, viewer.userId),
    title: checkText('title', input.title, TITLE),
    body: checkText('body', input.body, BODY),
  });
  await em.flush();
  return post;
}

/**
 * Edits the viewer's own post; fields left out (or null) stay as they are.
 * @throws NotFoundError when there is no such post, ForbiddenError when the viewer is not its author
 */
export async function updatePost(
  em: EntityManager,
  viewer: Viewer,
  postId: number,
  input: { title?: string | null; body?: string | null },
): Promise<Post> {
  // FOR UPDATE: an edit racing a delete either lands first or finds the post gone.
  return em.transactional(async (tx) => {
    const post = await tx.findOne(Post, postId, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!post) throw NotFoundError.entity('Post');
    if (post.author.id !== viewer.userId) throw ForbiddenError.notOwner('post');
    if (input.title != null) post.title = checkText('title', input.title, TITLE);
    if (input.body != null) post.body = checkText('body', input.body, BODY);
    return post;
  });
}
