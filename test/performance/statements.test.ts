import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtures, minute } from '../support/fixtures.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/*
 * An N+1 regression fails here: the SQL statements one GraphQL request sends must not grow with
 * page sizes or with the number of parents on a level, in either visibility mode.
 */
let t: TestApp;
const statements: string[] = [];
let auditor: number;

beforeAll(async () => {
  t = await startTestApp({}, { onQuery: (line) => statements.push(line) });
  const f = fixtures(t);
  const users: number[] = [];
  for (let u = 0; u < 8; u++) users.push(await f.user(`u${u}`, minute(u)));
  let m = 10;
  for (const author of users) {
    for (let p = 0; p < 5; p++) {
      const post = await f.post(author, `post ${author}.${p}`, minute(m++));
      for (let c = 0; c < 4; c++) {
        const top = await f.comment(
          post,
          users[(c + p) % users.length] as number,
          `c${c}`,
          undefined,
          minute(m++),
        );
        await f.comment(post, author, `r${c}`, top, minute(m++));
      }
    }
  }
  for (const a of users)
    for (const b of users) if (a !== b && (a + b) % 3 === 0) await f.follow(a, b, minute(m++));
  // Some tombstones, so that the auditor's mode has something to add.
  for (const { id } of await t.sql<{ id: number }>("select id from comment where body = 'c3'"))
    await f.tombstone('Comment', id);
  for (const { id } of await t.sql<{ id: number }>('select id from post where id % 7 = 0'))
    await f.tombstone('Post', id);
  auditor = await f.user('auditor');
});
afterAll(() => t?.stop());

async function count(
  query: string,
  variables: Record<string, unknown>,
  as?: { userId: number; scopes: string[] },
) {
  statements.length = 0;
  const res = await t.gql(query, variables, as);
  expect(res.errors).toBeUndefined();
  if (process.env.DEBUG_SQL)
    console.log(
      statements
        .filter((line) => line.includes('[query]'))
        .map((l) => l.slice(0, 130))
        .join('\n'),
    );
  return { statements: statements.filter((line) => line.includes('[query]')).length, data: res.data };
}

const FEED = /* GraphQL */ `
  query($n: Int, $m: Int, $k: Int, $inc: Boolean) {
    posts(first: $n, includeDeleted: $inc) {
      nodes {
        author { username }
        commentCount
        comments(first: $m) { totalCount nodes { author { username } replies(first: $k) { nodes { id } } } }
      }
    }
  }
`;

const PROFILES = /* GraphQL */ `
  query($n: Int, $m: Int, $inc: Boolean) {
    users(first: $n, includeDeleted: $inc) {
      totalCount
      nodes {
        posts(first: $m) { totalCount nodes { comments(first: 3) { totalCount nodes { body author { username } } } } }
        comments(first: $m) { totalCount }
        followers(first: $m) { totalCount nodes { username } }
        following { totalCount }
      }
    }
  }
`;

describe('statements per request', () => {
  for (const inc of [false, true]) {
    const as = () => (inc ? { userId: auditor, scopes: ['audit:read'] } : undefined);

    it(`stay at one or two per level of the feed, whatever the page sizes (includeDeleted: ${inc})`, async () => {
      const small = await count(FEED, { n: 3, m: 1, k: 1, inc }, as());
      const large = await count(FEED, { n: 40, m: 10, k: 5, inc }, as());
      // posts; post authors; comment pages (a first page counts its list: no count statement);
      // commentCount; comment authors; replies; and the auditor's viewer lookup. Loads of one
      // entity from two levels may share a statement when they fall in the same tick, so the
      // count can only go down from there.
      for (const run of [small, large]) expect(run.statements).toBeLessThanOrEqual(inc ? 7 : 6);
      expect((large.data as any).posts.nodes.length).toBeGreaterThan((small.data as any).posts.nodes.length);
    });

    it(`stay bounded on a wide profile query with counts on every level (includeDeleted: ${inc})`, async () => {
      const small = await count(PROFILES, { n: 2, m: 1, inc }, as());
      const large = await count(PROFILES, { n: 9, m: 10, inc }, as());
      // users + count; per user level: posts page (with its counts), comments count, followers
      // page (with its counts) + their users, following count; per post: comment page (with its
      // counts); comment authors; viewer lookup. User lookups of different levels (followers'
      // users, comment authors) may share a statement when their batches fall in the same wave.
      for (const run of [small, large]) expect(run.statements).toBeLessThanOrEqual(inc ? 10 : 9);
    });
  }

  it('return, batched, exactly what one query per parent would', async () => {
    const res = await count(FEED, { n: 40, m: 10, k: 5 }, undefined);
    const nodes = (res.data as any).posts.nodes as any[];
    const [{ live }] = (await t.sql(
      `select count(*)::int as live from comment c join post p on p.id = c.post_id
       where c.deleted_at is null and p.deleted_at is null and c.parent_id is null`,
    )) as [{ live: number }];
    expect(nodes.reduce((sum, n) => sum + n.comments.totalCount, 0)).toBe(live);
    for (const node of nodes) {
      expect(node.comments.nodes.length).toBe(Math.min(node.comments.totalCount, 10));
      expect(node.commentCount).toBeGreaterThanOrEqual(node.comments.totalCount);
    }
  });
});
