import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toGlobalId } from '../src/graphql/global-id.js';
import { fixtures, minute } from './support/fixtures.js';
import { codes, startTestApp, type TestApp } from './support/test-app.js';

let t: TestApp;
let f: ReturnType<typeof fixtures>;
let alice: number;
let bob: number;
let postId: number;
beforeAll(async () => {
  t = await startTestApp();
  f = fixtures(t);
  alice = await f.user('alice');
  bob = await f.user('bob');
  postId = await f.post(alice, 'Thread');
});
afterAll(() => t?.stop());

const CREATE = /* GraphQL */ `
  mutation($input: CreateCommentInput!) {
    createComment(input: $input) { id body post { id } author { username } parent { id } replies { totalCount } }
  }
`;

describe('createComment', () => {
  it('comments on a post and replies to a comment', async () => {
    const post = toGlobalId('Post', postId);
    const top = await t.gql(CREATE, { input: { postId: post, body: 'First' } }, { userId: bob });
    expect(top.errors).toBeUndefined();
    expect(top.data?.createComment).toMatchObject({
      body: 'First',
      post: { id: post },
      author: { username: 'bob' },
      parent: null,
      replies: { totalCount: 0 },
    });
    const reply = await t.gql(
      CREATE,
      { input: { postId: post, parentId: top.data?.createComment.id, body: 'Reply' } },
      { userId: alice },
    );
    expect(reply.data?.createComment).toMatchObject({ parent: { id: top.data?.createComment.id } });
    const parent = await t.gql(
      'query($id: ID!) { comment(id: $id) { replies { nodes { body author { username } } } } }',
      {
        id: top.data?.createComment.id,
      },
    );
    expect(parent.data?.comment.replies.nodes).toEqual([{ body: 'Reply', author: { username: 'alice' } }]);
  });

  it('refuses a parent from another post, unknown targets, blank bodies and anonymous callers', async () => {
    const otherPost = await f.post(bob, 'Elsewhere');
    const foreignParent = await f.comment(otherPost, bob, 'over there');
    const post = toGlobalId('Post', postId);
    const mismatch = await t.gql(
      CREATE,
      { input: { postId: post, parentId: toGlobalId('Comment', foreignParent), body: 'x' } },
      { userId: alice },
    );
    expect(codes(mismatch)).toEqual(['BAD_USER_INPUT']);
    const unknownPost = await t.gql(
      CREATE,
      { input: { postId: toGlobalId('Post', 777_777), body: 'x' } },
      { userId: alice },
    );
    expect(codes(unknownPost)).toEqual(['NOT_FOUND']);
    const unknownParent = await t.gql(
      CREATE,
      { input: { postId: post, parentId: toGlobalId('Comment', 777_777), body: 'x' } },
      { userId: alice },
    );
    expect(codes(unknownParent)).toEqual(['NOT_FOUND']);
    expect(codes(await t.gql(CREATE, { input: { postId: post, body: ' ' } }, { userId: alice }))).toEqual([
      'BAD_USER_INPUT',
    ]);
    expect(codes(await t.gql(CREATE, { input: { postId: post, body: 'anon' } }))).toEqual([
      'UNAUTHENTICATED',
    ]);
    expect(await t.sql("select 1 from comment where body in ('x', 'anon')")).toHaveLength(0);
  });
});

describe('comment lists', () => {
  it('shows a post its top-level comments oldest first, and a comment its replies', async () => {
    const p = await f.post(alice, 'Ordered');
    const second = await f.comment(p, bob, 'second', undefined, minute(2));
    const first = await f.comment(p, bob, 'first', undefined, minute(1));
    await f.comment(p, alice, 'late reply', first, minute(4));
    await f.comment(p, alice, 'early reply', first, minute(3));
    const res = await t.gql(`{
      post(id: "${toGlobalId('Post', p)}") {
        commentCount
        comments { totalCount nodes { body replies { totalCount nodes { body parent { body } post { title } } } } }
      }
    }`);
    expect(res.data?.post).toEqual({
      commentCount: 4,
      comments: {
        totalCount: 2,
        nodes: [
          {
            body: 'first',
            replies: {
              totalCount: 2,
              nodes: [
                { body: 'early reply', parent: { body: 'first' }, post: { title: 'Ordered' } },
                { body: 'late reply', parent: { body: 'first' }, post: { title: 'Ordered' } },
              ],
            },
          },
          { body: 'second', replies: { totalCount: 0, nodes: [] } },
        ],
      },
    });
    expect(second).toBeGreaterThan(0);
  });

  it("lists a user's comments oldest first, replies included", async () => {
    const carol = await f.user('carol');
    const p = await f.post(alice, 'Carol comments here');
    const top = await f.comment(p, carol, 'c1', undefined, minute(5));
    await f.comment(p, carol, 'c2', top, minute(6));
    const res = await t.gql(
      `{ user(id: "${toGlobalId('User', carol)}") { comments { totalCount nodes { body } } } }`,
    );
    expect(res.data?.user.comments).toEqual({ totalCount: 2, nodes: [{ body: 'c1' }, { body: 'c2' }] });
  });

  it('returns null for an unknown comment', async () => {
    expect(
      (await t.gql(`{ comment(id: "${toGlobalId('Comment', 55_555)}") { id } }`)).data?.comment,
    ).toBeNull();
  });
});
