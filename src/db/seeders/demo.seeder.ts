import type { EntityManager } from '@mikro-orm/postgresql';
import { Comment } from '../../modules/comment/comment.entity.js';
import { Follow } from '../../modules/follow/follow.entity.js';
import { Post } from '../../modules/post/post.entity.js';
import { User } from '../../modules/user/user.entity.js';

/** The demo accounts, in creation order; the server logs a token for each in development. */
export const DEMO_USERNAMES = ['alice', 'bob', 'carol', 'dave'] as const;

/**
 * Fills an empty database with a small microblog: four users, a few posts, threaded comments
 * and follows. Does nothing when any user exists, so restarts never duplicate it.
 *
 * @returns whether it seeded
 */
export async function seedDemoData(em: EntityManager): Promise<boolean> {
  if ((await em.count(User, {})) > 0) return false;
  // Spread creation times a minute apart so every list has a visible, stable order.
  let minute = 0;
  const base = Date.now() - 24 * 60 * 60 * 1000;
  const at = () => new Date(base + ++minute * 60_000);

  const [alice, bob, carol, dave] = DEMO_USERNAMES.map((username) =>
    em.create(User, {
      username,
      email: `${username}@example.com`,
      displayName: username[0]?.toUpperCase() + username.slice(1),
      bio: `Hi, I am ${username}.`,
      createdAt: at(),
    }),
  ) as [User, User, User, User];

  const post = (author: User, title: string, body: string) =>
    em.create(Post, { author, title, body, createdAt: at() });
  const welcome = post(alice, 'Welcome to Tombstone', 'Soft delete, done right. Ask me anything.');
  const tips = post(bob, 'Postgres tips', 'Partial indexes make soft-deleted tables fast.');
  post(carol, 'Hello', 'My first post here.');

  const comment = (p: Post, author: User, body: string, parent: Comment | null = null) =>
    em.create(Comment, { post: p, author, body, parent, createdAt: at() });
  const question = comment(welcome, bob, 'What happens to comments when a post is deleted?');
  const answer = comment(welcome, alice, 'They are tombstoned with it, in the same batch.', question);
  comment(welcome, carol, 'And restoring the post brings them back?', answer);
  comment(welcome, dave, 'Congrats on the launch!');
  comment(tips, alice, 'WHERE deleted_at IS NULL, every time.');

  for (const [follower, followee] of [
    [bob, alice],
    [carol, alice],
    [dave, alice],
    [alice, bob],
    [carol, bob],
  ] as const) {
    em.create(Follow, { follower, followee, createdAt: at() });
  }
  await em.flush();
  return true;
}
