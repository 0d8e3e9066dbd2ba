import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toGlobalId } from '../src/graphql/global-id.js';
import { fixtures, minute } from './support/fixtures.js';
import { codes, startTestApp, type TestApp } from './support/test-app.js';

let t: TestApp;
let f: ReturnType<typeof fixtures>;
let author: number;
let stranger: number;
beforeAll(async () => {
  t = await startTestApp();
  f = fixtures(t);
  author = await f.user('author');
  stranger = await f.user('stranger');
});
afterAll(() => t?.stop());

const CREATE = /* GraphQL */ `
  mutation($input: CreatePostInput!) { createPost(input: $input) { id title body createdAt author { username } commentCount } }
`;
const UPDATE = /* GraphQL */ `
  mutation($id: ID!, $input: UpdatePostInput!) { updatePost(id: $id, input: $input) { id title body } }
`;

describe('createPost', () => {
  it('publishes a post by the viewer', async () => {
    const res = await t.gql(CREATE, { input: { title: ' Hello ', body: 'First!' } }, { userId: author });
    expect(res.errors).toBeUndefined();
    expect(res.data?.createPost).toMatchObject({
      title: 'Hello',
      body: 'First!',
      author: { username: 'author' },
      commentCount: 0,
    });
    const fetched = await t.gql('query($id: ID!) { post(id: $id) { title author { id } } }', {
      id: res.data?.createPost.id,
    });
    expect(fetched.data?.post).toEqual({ title: 'Hello', author: { id: toGlobalId('User', author) } });
  });

  it('needs an authenticated viewer', async () => {
    const res = await t.gql(CREATE, { input: { title: 'Anon', body: 'Nope' } });
    expect(codes(res)).toEqual(['UNAUTHENTICATED']);
    expect(await t.sql("select 1 from post where title = 'Anon'")).toHaveLength(0);
  });

  it.each([
    [{ title: '', body: 'x' }, 'title'],
    [{ title: 't'.repeat(201), body: 'x' }, 'title'],
    [{ title: 'ok', body: '   ' }, 'body'],
    [{ title: 'ok', body: 'b'.repeat(20_001) }, 'body'],
  ])('rejects invalid input %# with BAD_USER_INPUT', async (input, field) => {
    const res = await t.gql(CREATE, { input }, { userId: author });
    expect(codes(res)).toEqual(['BAD_USER_INPUT']);
    expect(res.errors?.[0]?.message).toContain(`\`${field}\``);
  });
});

describe('updatePost', () => {
  it('lets the author change one field and keeps the other', async () => {
    const id = toGlobalId('Post', await f.post(author, 'Original'));
    const res = await t.gql(UPDATE, { id, input: { title: 'Edited' } }, { userId: author });
    expect(res.data?.updatePost).toEqual({ id, title: 'Edited', body: 'Original body' });
    const [row] = await t.sql('select title, body from post where id = $1', [
      Number(Buffer.from(id, 'base64url').toString().split(':')[1]),
    ]);
    expect(row).toEqual({ title: 'Edited', body: 'Original body' });
  });

  it('refuses other users with FORBIDDEN and anonymous callers with UNAUTHENTICATED', async () => {
    const postId = await f.post(author, 'Mine');
    const id = toGlobalId('Post', postId);
    expect(codes(await t.gql(UPDATE, { id, input: { title: 'Hijack' } }, { userId: stranger }))).toEqual([
      'FORBIDDEN',
    ]);
    expect(codes(await t.gql(UPDATE, { id, input: { title: 'Hijack' } }))).toEqual(['UNAUTHENTICATED']);
    const [row] = await t.sql('select title from post where id = $1', [postId]);
    expect(row?.title).toBe('Mine');
  });

  it('answers NOT_FOUND for an unknown post and BAD_USER_INPUT for invalid values', async () => {
    const unknown = await t.gql(
      UPDATE,
      { id: toGlobalId('Post', 987_654), input: { title: 'x' } },
      { userId: author },
    );
    expect(codes(unknown)).toEqual(['NOT_FOUND']);
    const id = toGlobalId('Post', await f.post(author, 'Valid'));
    expect(codes(await t.gql(UPDATE, { id, input: { title: '' } }, { userId: author }))).toEqual([
      'BAD_USER_INPUT',
    ]);
    expect(codes(await t.gql(UPDATE, { id: 'garbage', input: {} }, { userId: author }))).toEqual([
      'BAD_USER_INPUT',
    ]);
  });
});

describe('post lists', () => {
  it('lists posts newest first, globally and per user, with counts', async () => {
    const writer = await f.user('writer');
    const older = await f.post(writer, 'Older', minute(10));
    const newer = await f.post(writer, 'Newer', minute(20));
    const res = await t.gql(
      `{ user(id: "${toGlobalId('User', writer)}") { posts { totalCount nodes { title } } } }`,
    );
    expect(res.data?.user.posts).toEqual({ totalCount: 2, nodes: [{ title: 'Newer' }, { title: 'Older' }] });

    const all = await t.gql('{ posts(first: 100) { totalCount nodes { id createdAt } } }');
    const ids = all.data?.posts.nodes.map((n: { id: string }) => n.id);
    expect(ids.indexOf(toGlobalId('Post', newer))).toBeLessThan(ids.indexOf(toGlobalId('Post', older)));
    const [{ count }] = (await t.sql('select count(*)::int as count from post')) as [{ count: number }];
    expect(all.data?.posts.totalCount).toBe(count);
  });

  it('counts every comment of a post in commentCount, replies included', async () => {
    const postId = await f.post(author, 'Discussed');
    const top = await f.comment(postId, stranger, 'top');
    await f.comment(postId, author, 'reply', top);
    await f.comment(postId, stranger, 'second top');
    const res = await t.gql(
      `{ post(id: "${toGlobalId('Post', postId)}") { commentCount comments { totalCount } } }`,
    );
    expect(res.data?.post).toEqual({ commentCount: 3, comments: { totalCount: 2 } });
  });

  it('returns null for an unknown post', async () => {
    expect((await t.gql(`{ post(id: "${toGlobalId('Post', 424_242)}") { id } }`)).data?.post).toBeNull();
  });
});
