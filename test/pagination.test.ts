import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeCursor } from '../src/graphql/cursor.js';
import { toGlobalId } from '../src/graphql/global-id.js';
import { fixtures, minute } from './support/fixtures.js';
import { codes, type GqlResponse, startTestApp, type TestApp } from './support/test-app.js';

let t: TestApp;
let userId: number;
let threadId: number;
const TOTAL = 45;
beforeAll(async () => {
  t = await startTestApp();
  const f = fixtures(t);
  userId = await f.user('prolific');
  // Pairs of posts share a timestamp, so the id tie-breaker is exercised on every page.
  for (let i = 0; i < TOTAL; i++) threadId = await f.post(userId, `Post ${i}`, minute(Math.floor(i / 2)));
  // The last post gets more comments and replies than the nested defaults; the user, followers.
  let first = 0;
  for (let i = 0; i < 7; i++) {
    const id = await f.comment(threadId, userId, `Comment ${i}`, undefined, minute(101 + i));
    first ||= id;
  }
  for (let i = 0; i < 4; i++) await f.comment(threadId, userId, `Reply ${i}`, first, minute(110 + i));
  for (let i = 0; i < 7; i++) await f.follow(await f.user(`fan_${i}`, minute(i)), userId, minute(i));
});
afterAll(() => t?.stop());

const PAGE = /* GraphQL */ `
  query($first: Int, $after: String) {
    posts(first: $first, after: $after) {
      totalCount
      edges { cursor node { id title } }
      nodes { id }
      pageInfo { hasNextPage endCursor }
    }
  }
`;

describe('connections', () => {
  it('defaults to 20 rows and reports the total', async () => {
    const res = await t.gql('{ posts { totalCount nodes { id } pageInfo { hasNextPage } } }');
    expect(res.data?.posts.nodes).toHaveLength(20);
    expect(res.data?.posts.totalCount).toBe(TOTAL);
    expect(res.data?.posts.pageInfo.hasNextPage).toBe(true);
  });

  it('walks every row exactly once, newest first, through endCursor', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const res: GqlResponse = await t.gql(PAGE, { first: 7, after });
      const conn: any = res.data?.posts;
      expect(conn.nodes.map((n: { id: string }) => n.id)).toEqual(conn.edges.map((e: any) => e.node.id));
      seen.push(...conn.nodes.map((n: { id: string }) => n.id));
      pages++;
      if (!conn.pageInfo.hasNextPage) {
        expect(conn.pageInfo.endCursor).toBe(conn.edges.at(-1)?.cursor ?? null);
        break;
      }
      after = conn.pageInfo.endCursor;
    }
    expect(pages).toBe(Math.ceil(TOTAL / 7));
    expect(new Set(seen).size).toBe(TOTAL);
    const expected = (await t.sql('select id from post order by created_at desc, id desc')).map((r) =>
      toGlobalId('Post', r.id),
    );
    expect(seen).toEqual(expected);
  });

  it('resumes after any edge cursor, not only endCursor', async () => {
    const first = await t.gql(PAGE, { first: 5 });
    const third = first.data?.posts.edges[2];
    const next = await t.gql(PAGE, { first: 2, after: third.cursor });
    expect(next.data?.posts.nodes).toEqual(first.data?.posts.nodes.slice(3, 5));
  });

  it('gives an empty page with the total for first: 0, and an empty last page', async () => {
    const zero = await t.gql(PAGE, { first: 0 });
    expect(zero.data?.posts).toEqual({
      totalCount: TOTAL,
      edges: [],
      nodes: [],
      pageInfo: { hasNextPage: false, endCursor: null },
    });
    const all = await t.gql(PAGE, { first: 100 });
    expect(all.data?.posts.nodes).toHaveLength(TOTAL);
    const after = await t.gql(PAGE, { first: 10, after: all.data?.posts.pageInfo.endCursor });
    expect(after.data?.posts).toMatchObject({ nodes: [], pageInfo: { hasNextPage: false, endCursor: null } });
  });

  it.each([
    [{ first: 101 }],
    [{ first: -1 }],
    [{ after: 'not a cursor' }],
    [{ after: Buffer.from('1:2:3').toString('base64url') }],
    [{ after: toGlobalId('Post', 1) }],
  ])('rejects %j with BAD_USER_INPUT', async (variables) => {
    const res = await t.gql(PAGE, variables);
    expect(codes(res)).toEqual(['BAD_USER_INPUT']);
  });

  it('applies the same rules to nested connections', async () => {
    const q = `query($after: String) { user(id: "${toGlobalId('User', userId)}") { posts(first: 3, after: $after) { nodes { title } } } }`;
    const cursor = encodeCursor('User.posts', { createdAt: minute(1), id: 1 });
    expect((await t.gql(q, { after: cursor })).errors).toBeUndefined();
    expect(codes(await t.gql(q, { after: '@@' }))).toEqual(['BAD_USER_INPUT']);
    expect(
      codes(
        await t.gql(`{ user(id: "${toGlobalId('User', userId)}") { posts(first: 500) { totalCount } } }`),
      ),
    ).toEqual(['BAD_USER_INPUT']);
  });
});

describe('nested page sizes', () => {
  it('default to 5 below an object (2 for replies), for an omitted and an explicit null `first` alike', async () => {
    const query = (first: string) => /* GraphQL */ `{
      post(id: "${toGlobalId('Post', threadId)}") {
        comments${first} { totalCount nodes { replies${first} { totalCount nodes { id } } } }
        author { posts${first} { nodes { id } } followers${first} { nodes { id } } }
      }
    }`;
    for (const first of ['', '(first: null)']) {
      const res = await t.gql(query(first));
      expect(res.errors).toBeUndefined();
      const post = res.data?.post;
      expect(post.comments).toMatchObject({ totalCount: 7 });
      expect(post.comments.nodes).toHaveLength(5);
      expect(post.comments.nodes[0].replies.totalCount).toBe(4);
      expect(post.comments.nodes[0].replies.nodes).toHaveLength(2);
      expect(post.author.posts.nodes).toHaveLength(5);
      expect(post.author.followers.nodes).toHaveLength(5);
    }
  });
});

describe('cursors are bound to their list', () => {
  const userField = (field: string, args: string) =>
    `user(id: "${toGlobalId('User', userId)}") { ${field}(${args}) { nodes { id } pageInfo { endCursor } } }`;
  /** Each list's first page of two, and the query for a page after a given cursor. */
  const lists = {
    posts: {
      first: '{ list: posts(first: 2) { nodes { id } pageInfo { endCursor } } }',
      pick: (d: any) => d.list,
    },
    users: {
      first: '{ list: users(first: 2) { nodes { id } pageInfo { endCursor } } }',
      pick: (d: any) => d.list,
    },
    userPosts: { first: () => `{ ${userField('posts', 'first: 2')} }`, pick: (d: any) => d.user.posts },
    followers: {
      first: () => `{ ${userField('followers', 'first: 2')} }`,
      pick: (d: any) => d.user.followers,
    },
    search: {
      first: '{ list: search(query: "post", first: 2) { nodes { id } pageInfo { endCursor } } }',
      pick: (d: any) => d.list,
    },
  };
  const next = {
    posts: () => 'query($after: String) { list: posts(first: 2, after: $after) { nodes { id } } }',
    users: () => 'query($after: String) { list: users(first: 2, after: $after) { nodes { id } } }',
    userPosts: () => `query($after: String) { ${userField('posts', 'first: 2, after: $after')} }`,
    followers: () => `query($after: String) { ${userField('followers', 'first: 2, after: $after')} }`,
    search: () =>
      'query($after: String) { list: search(query: "post", first: 2, after: $after) { nodes { id } } }',
  };
  type List = keyof typeof lists;
  const firstPage = async (list: List) => {
    const { first, pick } = lists[list];
    const res = await t.gql(typeof first === 'function' ? first() : first);
    const connection = pick(res.data);
    return { cursor: connection.pageInfo.endCursor as string, ids: connection.nodes.map((n: any) => n.id) };
  };

  it.each([
    ['posts', 'users', 'Query.users'],
    ['posts', 'followers', 'User.followers'],
    ['users', 'followers', 'User.followers'],
    ['followers', 'users', 'Query.users'],
    ['userPosts', 'posts', 'Query.posts'],
    ['posts', 'userPosts', 'User.posts'],
    ['search', 'posts', 'Query.posts'],
    ['posts', 'search', 'Query.search'],
  ] as const)('refuses a %s cursor in %s with BAD_USER_INPUT naming %s', async (from, to, coordinate) => {
    const res = await t.gql(next[to](), { after: (await firstPage(from)).cursor });
    expect(codes(res)).toEqual(['BAD_USER_INPUT']);
    expect(res.errors?.[0]?.message).toContain(`Invalid cursor for ${coordinate}`);
  });

  it.each(Object.keys(lists) as List[])(
    'accepts a %s cursor in its own list, for the next page',
    async (list) => {
      const { cursor, ids } = await firstPage(list);
      const res = await t.gql(next[list](), { after: cursor });
      expect(res.errors).toBeUndefined();
      const nodes = lists[list].pick(res.data).nodes.map((n: any) => n.id);
      expect(nodes).toHaveLength(2);
      expect(nodes.filter((id: string) => ids.includes(id))).toEqual([]);
    },
  );

  it('refuses a cursor in the format before lists were bound (a bare position)', async () => {
    const bare = Buffer.from(`${minute(1).getTime()}:1`, 'utf8').toString('base64url');
    expect(codes(await t.gql(next.posts(), { after: bare }))).toEqual(['BAD_USER_INPUT']);
  });
});
