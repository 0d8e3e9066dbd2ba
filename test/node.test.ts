import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toGlobalId } from '../src/graphql/global-id.js';
import { fixtures } from './support/fixtures.js';
import { codes, startTestApp, type TestApp } from './support/test-app.js';

let t: TestApp;
let ids: { user: number; post: number; comment: number };
beforeAll(async () => {
  t = await startTestApp();
  const f = fixtures(t);
  const user = await f.user('noder');
  const post = await f.post(user, 'Node post');
  ids = { user, post, comment: await f.comment(post, user, 'Node comment') };
});
afterAll(() => t?.stop());

const NODE = /* GraphQL */ `
  query($id: ID!) {
    node(id: $id) {
      __typename id
      ... on User { username }
      ... on Post { title }
      ... on Comment { body }
    }
  }
`;

describe('node(id)', () => {
  it('fetches every node type by its global id', async () => {
    const user = await t.gql(NODE, { id: toGlobalId('User', ids.user) });
    expect(user.data?.node).toEqual({
      __typename: 'User',
      id: toGlobalId('User', ids.user),
      username: 'noder',
    });
    const post = await t.gql(NODE, { id: toGlobalId('Post', ids.post) });
    expect(post.data?.node).toMatchObject({ __typename: 'Post', title: 'Node post' });
    const comment = await t.gql(NODE, { id: toGlobalId('Comment', ids.comment) });
    expect(comment.data?.node).toMatchObject({ __typename: 'Comment', body: 'Node comment' });
  });

  it('round-trips the ids other fields return', async () => {
    const res = await t.gql(`{ post(id: "${toGlobalId('Post', ids.post)}") { author { id } } }`);
    const again = await t.gql(NODE, { id: res.data?.post.author.id });
    expect(again.data?.node.username).toBe('noder');
  });

  it('returns null for unknown ids and unknown types, BAD_USER_INPUT for malformed ones', async () => {
    expect((await t.gql(NODE, { id: toGlobalId('Post', 999_999) })).data?.node).toBeNull();
    expect((await t.gql(NODE, { id: toGlobalId('Follow', 1) })).data?.node).toBeNull();
    for (const id of [
      '',
      'abc',
      '!!',
      Buffer.from('Post:0').toString('base64url'),
      Buffer.from('Post:99999999999').toString('base64url'),
    ]) {
      expect(codes(await t.gql(NODE, { id }))).toEqual(['BAD_USER_INPUT']);
    }
  });
});
