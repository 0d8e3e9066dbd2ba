import { Comment } from '../../src/modules/comment/comment.entity.js';
import { Follow } from '../../src/modules/follow/follow.entity.js';
import { Post } from '../../src/modules/post/post.entity.js';
import { User } from '../../src/modules/user/user.entity.js';
import type { TestApp } from './test-app.js';

/**
 * Named seeders for tests: each writes one row through the ORM (in its own fork, so nothing is
 * cached for the server) and returns its primary key. `at` sets `createdAt` for order tests.
 */
export function fixtures(t: TestApp) {
  const save = async <T extends { id: number }>(build: (em: ReturnType<typeof t.app.orm.em.fork>) => T) => {
    const em = t.app.orm.em.fork();
    const entity = build(em);
    await em.flush();
    return entity.id;
  };
  return {
    user: (username: string, at?: Date) =>
      save((em) =>
        em.create(User, {
          username,
          email: `${username.toLowerCase()}@example.com`,
          displayName: username,
          ...(at ? { createdAt: at } : {}),
        }),
      ),
    post: (authorId: number, title = 'A post', at?: Date) =>
      save((em) =>
        em.create(Post, {
          author: em.getReference(User, authorId),
          title,
          body: `${title} body`,
          ...(at ? { createdAt: at } : {}),
        }),
      ),
    comment: (postId: number, authorId: number, body = 'A comment', parentId?: number, at?: Date) =>
      save((em) =>
        em.create(Comment, {
          post: em.getReference(Post, postId),
          author: em.getReference(User, authorId),
          parent: parentId ? em.getReference(Comment, parentId) : null,
          body,
          ...(at ? { createdAt: at } : {}),
        }),
      ),
    /** Deletes a live row through the toolkit (tombstone, cascade, audit), as a system actor. */
    tombstone: async (type: 'User' | 'Post' | 'Comment', id: number) => {
      const em = t.app.orm.em.fork();
      const entity = { User, Post, Comment }[type];
      const row = await em.findOneOrFail(entity as typeof User, id);
      await t.app.softDelete.delete(em, row, { actor: null, reason: 'fixture' });
    },
    follow: (followerId: number, followeeId: number, at?: Date) =>
      save((em) =>
        em.create(Follow, {
          follower: em.getReference(User, followerId),
          followee: em.getReference(User, followeeId),
          createdAt: at ?? new Date(),
        }),
      ),
  };
}

/** A timestamp `minutes` after a fixed origin, for deterministic ordering. */
export function minute(minutes: number): Date {
  return new Date(Date.UTC(2026, 0, 1, 0, minutes));
}
