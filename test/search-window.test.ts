import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtures } from './support/fixtures.js';
import { gid } from './support/ids.js';
import { codes, type GqlResponse, startTestApp, type TestApp } from './support/test-app.js';

// Search ranks only the newest `rankWindow` matches (3 here), then lists older matches newest
// first; `totalCount` counts up to `countLimit` (5 here). The best match overall is the oldest.
let t: TestApp;
let ids: Record<string, number>;
let save: (title: string, body: string) => Promise<number>;
beforeAll(async () => {
  t = await startTestApp({ search: { rankWindow: 3, countLimit: 5 } });
  const alice = await fixtures(t).user('alice');
  const { Post } = await import('../src/modules/post/post.entity.js');
  const { User } = await import('../src/modules/user/user.entity.js');
  let minute = 0;
  save = async (title, body) => {
    const em = t.app.orm.em.fork();
    const createdAt = new Date(Date.UTC(2026, 0, 1, 12, minute++));
    const post = em.create(Post, { author: em.getReference(User, alice), title, body, createdAt });
    await em.flush();
    return post.id;
  };
  ids = {
    rare: await save('Zebra sighting', 'One zebra crossed.'),
    best: await save('Garden garden garden', 'garden garden garden'),
    oldWeak: await save('Weekend', 'Some garden.'),
    oldStrong: await save('Garden party', 'In the garden.'),
    newWeak1: await save('Note', 'Some garden.'),
    newStrong: await save('Garden', 'garden garden'),
    newWeak2: await save('Note', 'Some garden.'),
  };
});
afterAll(() => t?.stop());

const SEARCH =
  'query($q: String!, $first: Int, $after: String) { search(query: $q, first: $first, after: $after) { totalCount nodes { id } pageInfo { hasNextPage endCursor } } }';

/** Every result of a search, walked page by page; `between` runs after each page. */
async function walk(q: string, first: number, between: (page: number) => Promise<void> = async () => {}) {
  const seen: string[] = [];
  let after: string | null = null;
  for (let page = 0; ; page++) {
    const res: GqlResponse = await t.gql(SEARCH, { q, first, after });
    const search = (res.data as { search: any }).search;
    seen.push(...search.nodes.map((n: { id: string }) => n.id));
    if (!search.pageInfo.hasNextPage) return seen;
    after = search.pageInfo.endCursor;
    await between(page);
  }
}

const ORDER = () =>
  [ids.newStrong, ids.newWeak2, ids.newWeak1, ids.oldStrong, ids.oldWeak, ids.best].map((id) =>
    gid.post(id as number),
  );

describe('search ranking window', () => {
  it('ranks the newest matches by relevance, then lists older matches newest first', async () => {
    const res = await t.gql(SEARCH, { q: 'garden', first: 100 });
    // Ties in relevance (the two identical notes) go newest first; the best match overall is
    // older than the window and so comes last, in time order.
    expect(res.data?.search.nodes.map((n: { id: string }) => n.id)).toEqual(ORDER());
    expect(res.data?.search.pageInfo.hasNextPage).toBe(false);
  });

  it('pages through both runs, across their boundary, exactly once and in the same order', async () => {
    for (const first of [1, 2, 4]) expect(await walk('garden', first)).toEqual(ORDER());
  });

  it('finds a rare word among older posts as surely as a common one', async () => {
    const res = await t.gql(SEARCH, { q: 'zebra', first: 2 });
    expect(res.data?.search.nodes).toEqual([{ id: gid.post(ids.rare) }]);
    expect(res.data?.search.pageInfo.hasNextPage).toBe(false);
    expect(res.data?.search.totalCount).toBe(1);
  });

  it('counts matches exactly up to the count limit, and reads the limit beyond it', async () => {
    expect((await t.gql(SEARCH, { q: 'garden', first: 0 })).data?.search.totalCount).toBe(5);
    expect((await t.gql(SEARCH, { q: 'party', first: 0 })).data?.search.totalCount).toBe(1);
  });

  it('rejects a search cursor in the format before the window, or a tampered one', async () => {
    const old = Buffer.from('search:1000000:5', 'utf8').toString('base64url');
    const tampered = Buffer.from('search:r:1:2:7:3:4', 'utf8').toString('base64url');
    expect(codes(await t.gql(SEARCH, { q: 'garden', after: old }))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await t.gql(SEARCH, { q: 'garden', after: tampered }))).toEqual(['BAD_USER_INPUT']);
  });

  it('keeps the first page’s window while posts are written and deleted during the walk', async () => {
    const written: number[] = [];
    const seen = await walk('garden', 2, async (page) => {
      // After page one: a new best match, and the window's oldest post (not yet shown) deleted.
      if (page === 0) {
        written.push(await save('Garden garden', 'garden garden garden garden'));
        await fixtures(t).tombstone('Post', ids.newWeak1 as number);
      }
    });
    // The deleted post is gone; the new one slides into the window (a slot came free) but ranks
    // above what page one already showed, so it waits for a new search; nothing repeats or is lost.
    expect(seen).toEqual(ORDER().filter((id) => id !== gid.post(ids.newWeak1 as number)));
    // A new search draws a new window: the new post (the best match) leads it.
    const fresh = await t.gql(SEARCH, { q: 'garden', first: 1 });
    expect(fresh.data?.search.nodes).toEqual([{ id: gid.post(written[0] as number) }]);
  });
});
