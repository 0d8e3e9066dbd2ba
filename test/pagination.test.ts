import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeCursor } from '../src/graphql/connection.js';
import { toGlobalId } from '../src/graphql/global-id.js';
import { fixtures, minute } from './support/fixtures.js';
import { codes, type GqlResponse, startTestApp, type TestApp } from './support/test-app.js';

let t: TestApp;
let userId: number;
const TOTAL = 45;
beforeAll(async () => {
  t = await startTestApp();
  const f = fixtures(t);
  userId = await f.user('prolific');
  // Pairs of posts share a timestamp, so the id tie-breaker is exercised on every page.
  for (let i = 0; i < TOTAL; i++) await f.post(userId, `Post ${i}`, minute(Math.floor(i / 2)));
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
    const cursor = encodeCursor({ createdAt: minute(1), id: 1 });
    expect((await t.gql(q, { after: cursor })).errors).toBeUndefined();
    expect(codes(await t.gql(q, { after: '@@' }))).toEqual(['BAD_USER_INPUT']);
    expect(
      codes(
        await t.gql(`{ user(id: "${toGlobalId('User', userId)}") { posts(first: 500) { totalCount } } }`),
      ),
    ).toEqual(['BAD_USER_INPUT']);
  });
});
