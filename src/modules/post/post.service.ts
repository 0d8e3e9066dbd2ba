import { type EntityManager, LockMode } from '@mikro-orm/postgresql';
import type { Viewer } from '../../auth/viewer.js';
import type { ReadScope } from '../../context.js';
import { findPage } from '../../db/keyset.js';
import { ForbiddenError, NotFoundError } from '../../errors.js';
import { buildConnection, type Connection, type Page } from '../../graphql/connection.js';
import { checkText } from '../../validation.js';
import { Comment } from '../comment/comment.entity.js';
import { User } from '../user/user.entity.js';
import { Post } from './post.entity.js';

/** Fields of a new post, before validation. */
export interface PostInput {
  title: string;
  body: string;
}

const TITLE = { min: 1, max: 200 };
const BODY = { min: 1, max: 20_000, trim: false };

/** Posts, newest first; only `authorId`'s when given. */
export async function listPosts(scope: ReadScope, page: Page, authorId?: number): Promise<Connection<Post>> {
  const where = authorId === undefined ? {} : { author: authorId };
  const rows = await findPage(scope.em, Post, where, page, 'desc');
  return buildConnection(
    rows,
    page,
    keyOf,
    (post) => post,
    () => scope.em.count(Post, where),
    scope.visibility,
  );
}

/** How many comments a post has, replies included. */
export async function countComments(scope: ReadScope, postId: number): Promise<number> {
  return scope.em.count(Comment, { post: postId });
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

function keyOf(post: Post) {
  return { createdAt: post.createdAt, id: post.id };
}
