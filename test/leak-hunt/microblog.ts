import fc from 'fast-check';
import { expect } from 'vitest';
import { fromGlobalId } from '../../src/graphql/global-id.js';
import { fixtures } from '../support/fixtures.js';
import { gid } from '../support/ids.js';
import { codes, type TestApp } from '../support/test-app.js';

/**
 * The random microblog of the randomized tests: users, posts, comments (some replies) and follows,
 * then random deletes, restores, purges and creates by random actors. Spread these fields into a
 * `fc.record` and pass its value to {@link buildMicroblog}.
 */
export const microblogFields = {
  users: fc.integer({ min: 2, max: 5 }),
  posts: fc.array(
    fc.record({ author: fc.nat(), word: fc.constantFrom('hello', 'tombstone', 'post', 'soft delete') }),
    {
      maxLength: 6,
    },
  ),
  comments: fc.array(
    fc.record({ post: fc.nat(), author: fc.nat(), replyTo: fc.option(fc.nat(), { nil: null }) }),
    {
      maxLength: 10,
    },
  ),
  follows: fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 6 }),
  ops: fc.array(
    fc.record({
      kind: fc.constantFrom('delete', 'delete', 'restore', 'purge', 'createPost', 'createComment'),
      type: fc.constantFrom('User', 'Post', 'Comment'),
      target: fc.nat(),
      actor: fc.constantFrom('owner', 'moderator', 'other', 'purger', 'deleter'),
    }),
    { maxLength: 8 },
  ),
};

/** A generated microblog. */
export type Microblog = {
  [K in keyof typeof microblogFields]: (typeof microblogFields)[K] extends fc.Arbitrary<infer V> ? V : never;
};

/** The `n`-th item, wrapping around: how scenarios turn random numbers into picks. */
export const nth = <T>(items: readonly T[], n: number) => items[n % items.length] as T;

/** Who sends a request: a user, or one of the staff accounts with its scope. */
export interface Actors {
  user(userId: number): { userId: number };
  moderator(): { userId: number; scopes: string[] };
  purger(): { userId: number; scopes: string[] };
  auditor(): { userId: number; scopes: string[] };
}

/** Creates the staff accounts (moderator, purger, auditor) the scenarios act and read as. */
export async function createActors(t: TestApp): Promise<Actors> {
  const f = fixtures(t);
  const moderator = await f.user('staff_mod');
  const purger = await f.user('staff_purge');
  const auditor = await f.user('staff_audit');
  return {
    user: (userId) => ({ userId }),
    moderator: () => ({ userId: moderator, scopes: ['content:moderate'] }),
    purger: () => ({ userId: purger, scopes: ['data:purge'] }),
    auditor: () => ({ userId: auditor, scopes: ['audit:read'] }),
  };
}

/** Sends an operation; a 500 fails the test, whatever else the response holds. */
export async function checkedGql(
  t: TestApp,
  query: string,
  variables: Record<string, unknown>,
  who?: { userId: number; scopes?: string[] },
) {
  const res = await t.gql(query, variables, who);
  expect(codes(res), `${query} → ${JSON.stringify(res.errors)}`).not.toContain('INTERNAL_SERVER_ERROR');
  return res;
}

/**
 * Builds `s` through the API, its names prefixed with `prefix` (unique per run): returns the
 * users it registered and the primary keys of every row it created (purged ones included).
 */
export async function buildMicroblog(t: TestApp, as: Actors, s: Microblog, prefix: string) {
  const gql = (query: string, variables: Record<string, unknown>, who?: { userId: number }) =>
    checkedGql(t, query, variables, who);
  const users: number[] = [];
  const ids = { User: [] as number[], Post: [] as number[], Comment: [] as number[] };
  for (let i = 0; i < s.users; i++) {
    const res = await gql('mutation($input: RegisterInput!) { register(input: $input) { id } }', {
      input: { username: `${prefix}_u${i}`, email: `${prefix}_u${i}@example.com`, displayName: `U${i}` },
    });
    const id = fromGlobalId(res.data?.register.id)?.id as number;
    users.push(id);
    ids.User.push(id);
  }
  const createPost = async (author: number, word: string) => {
    const res = await gql(
      'mutation($input: CreatePostInput!) { createPost(input: $input) { id } }',
      {
        input: { title: `${word} ${prefix}`, body: `about ${word}` },
      },
      as.user(author),
    );
    if (res.data?.createPost) ids.Post.push(fromGlobalId(res.data.createPost.id)?.id as number);
  };
  const createComment = async (author: number, post: number, parent: number | null) => {
    const res = await gql(
      'mutation($input: CreateCommentInput!) { createComment(input: $input) { id } }',
      {
        input: {
          postId: gid.post(post),
          parentId: parent === null ? null : gid.comment(parent),
          body: `c ${prefix}`,
        },
      },
      as.user(author),
    );
    if (res.data?.createComment) ids.Comment.push(fromGlobalId(res.data.createComment.id)?.id as number);
  };
  for (const post of s.posts) await createPost(nth(users, post.author), post.word);
  for (const comment of s.comments) {
    if (ids.Post.length === 0) break;
    const post = nth(ids.Post, comment.post);
    const siblings = (await t.sql('select id from comment where post_id = $1', [post])).map(
      (r) => r.id as number,
    );
    const parent = comment.replyTo !== null && siblings.length > 0 ? nth(siblings, comment.replyTo) : null;
    await createComment(nth(users, comment.author), post, parent);
  }
  for (const [a, b] of s.follows) {
    await gql(
      'mutation($id: ID!) { follow(userId: $id) { id } }',
      { id: gid.user(nth(users, b)) },
      as.user(nth(users, a)),
    );
  }

  for (const op of s.ops) {
    const pool = ids[op.type];
    if (op.kind === 'createPost') {
      await createPost(nth(users, op.target), 'post');
      continue;
    }
    if (op.kind === 'createComment') {
      if (ids.Post.length > 0)
        await createComment(nth(users, op.actor.length), nth(ids.Post, op.target), null);
      continue;
    }
    if (pool.length === 0) continue;
    const target = nth(pool, op.target);
    const table = op.type === 'User' ? 'users' : op.type.toLowerCase();
    const [row] = await t.sql(
      `select ${op.type === 'User' ? 'id' : 'author_id'} as owner, deleted_by from ${table} where id = $1`,
      [target],
    );
    const who =
      op.actor === 'moderator'
        ? as.moderator()
        : op.actor === 'purger'
          ? as.purger()
          : op.actor === 'owner' && row
            ? as.user(row.owner)
            : op.actor === 'deleter' && row?.deleted_by
              ? as.user(Number(row.deleted_by))
              : as.user(nth(users, op.target + 1));
    const id =
      op.type === 'User' ? gid.user(target) : op.type === 'Post' ? gid.post(target) : gid.comment(target);
    const mutation = `${op.kind}${op.type}`;
    await gql(`mutation($id: ID!) { ${mutation}(id: $id) { id } }`, { id }, who);
  }
  return { users, ids };
}
