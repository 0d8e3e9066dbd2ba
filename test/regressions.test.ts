import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { fixtures } from './support/fixtures.js';
import { gid } from './support/ids.js';
import { codes, startTestApp, type TestApp } from './support/test-app.js';

/** Each test here is named after what broke, as found in review. */
let t: TestApp;
let f: ReturnType<typeof fixtures>;
beforeAll(async () => {
  t = await startTestApp();
  f = fixtures(t);
});
afterAll(() => t?.stop());

describe('query limits', () => {
  it('stop a document whose fragments double at every level before walking it (2^24 skipped selections)', async () => {
    const fragments = ['fragment F0 on Query { __typename @skip(if: true) }'];
    for (let i = 1; i <= 24; i++) fragments.push(`fragment F${i} on Query { ...F${i - 1} ...F${i - 1} }`);
    const res = await t.gql(`query { ...F24 } ${fragments.join(' ')}`);
    expect(res.status).toBe(400);
    expect(codes(res)).toEqual(['BAD_USER_INPUT']);
    expect(res.errors?.[0]?.message).toBe('The operation is too large to run.');
  });

  it('count an explicit first: null as the default page size', async () => {
    const strict = await startTestApp({ limits: { maxDepth: 12, maxObjects: 10, maxAliases: 50 } });
    try {
      expect(codes(await strict.gql('{ users(first: null) { nodes { id } } }'))).toEqual(['BAD_USER_INPUT']);
    } finally {
      await strict.stop();
    }
  });
});

describe('configuration', () => {
  it('treats an unknown NODE_ENV as production: no default secret, no error details', () => {
    expect(() => loadConfig({ NODE_ENV: 'staging' })).toThrow(/JWT_SECRET or JWT_JWKS_URL/);
    expect(loadConfig({ NODE_ENV: 'staging', JWT_SECRET: 's'.repeat(32) }).nodeEnv).toBe('production');
  });
});

describe('deletes', () => {
  it('of the same post at the same time: one wins, the other is NOT_FOUND, and the batch stays whole', async () => {
    const author = await f.user('racer');
    const post = await f.post(author, 'Raced');
    const top = await f.comment(post, author, 'top');
    await f.comment(post, author, 'reply', top);
    const mutation = 'mutation($id: ID!) { deletePost(id: $id) { deletedCount } }';
    const results = await Promise.all(
      [1, 2, 3].map(() => t.gql(mutation, { id: gid.post(post) }, { userId: author })),
    );
    const won = results.filter((r) => r.data?.deletePost);
    expect(won).toHaveLength(1);
    expect(won[0]?.data?.deletePost.deletedCount).toBe(3);
    expect(results.flatMap(codes)).toEqual(['NOT_FOUND', 'NOT_FOUND']);
    expect(
      await t.sql("select 1 from soft_delete_audit where action = 'delete' and entity_id = $1", [
        String(post),
      ]),
    ).toHaveLength(1);
    const restored = await t.gql(
      'mutation($id: ID!) { restorePost(id: $id) { post { commentCount } } }',
      { id: gid.post(post) },
      { userId: author },
    );
    expect(restored.data?.restorePost.post.commentCount).toBe(2);
  });

  it('of oneself stop later mutations of the same operation from acting as oneself', async () => {
    const me = await f.user('leaver');
    const res = await t.gql(
      'mutation($me: ID!) { deleteUser(id: $me) { deletedCount } createPost(input: { title: "ghost", body: "boo" }) { id } }',
      { me: gid.user(me) },
      { userId: me },
    );
    // createPost is non-null, so its error nulls the whole payload; the delete itself happened.
    expect(codes(res)).toEqual(['UNAUTHENTICATED']);
    expect(await t.sql('select 1 from users where id = $1 and deleted_at is not null', [me])).toHaveLength(1);
    expect(await t.sql("select 1 from post where title = 'ghost'")).toHaveLength(0);
  });
});

describe('text input', () => {
  it('with a NUL character is BAD_USER_INPUT, not an internal error', async () => {
    const user = await f.user('nul_writer');
    const res = await t.gql(
      'mutation($input: CreatePostInput!) { createPost(input: $input) { id } }',
      {
        input: { title: 'nul', body: 'a\u0000b' },
      },
      { userId: user },
    );
    expect(codes(res)).toEqual(['BAD_USER_INPUT']);
  });
});

describe('documents', () => {
  it('with several operations and no operationName are refused in words, not with an internal error (GraphiQL sends them)', async () => {
    const res = await t.gql('query A { posts { totalCount } } query B { users { totalCount } }');
    expect(res.status).not.toBe(500);
    expect(res.errors?.map((e) => e.message)).toEqual([
      'Must provide operation name if query contains multiple operations.',
    ]);
  });
});
