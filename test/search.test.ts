import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtures } from './support/fixtures.js';
import { gid } from './support/ids.js';
import { codes, type GqlResponse, startTestApp, type TestApp } from './support/test-app.js';

let t: TestApp;
let ids: Record<string, number>;
beforeAll(async () => {
  t = await startTestApp();
  const f = fixtures(t);
  const alice = await f.user('alice');
  const gone = await f.user('gone');
  const auditor = await f.user('auditor');
  const save = async (author: number, title: string, body: string) => {
    const em = t.app.orm.em.fork();
    const { Post } = await import('../src/modules/post/post.entity.js');
    const { User } = await import('../src/modules/user/user.entity.js');
    const post = em.create(Post, { author: em.getReference(User, author), title, body });
    await em.flush();
    return post.id;
  };
  ids = {
    alice,
    auditor,
    titleHit: await save(alice, 'Tombstones in PostgreSQL', 'A note on indexes.'),
    bodyHit: await save(alice, 'Weekend', 'We planted tombstone roses in the garden.'),
    miss: await save(alice, 'Cats', 'Nothing to see here.'),
    deleted: await save(alice, 'Deleted tombstone', 'tombstone tombstone tombstone'),
    byGone: await save(gone, 'Tombstone by a deleted author', 'tombstone'),
  };
  for (let i = 0; i < 7; i++) await save(alice, `Paging tombstone ${i}`, 'filler');
  await f.tombstone('Post', ids.deleted);
  await f.tombstone('User', gone);
});
afterAll(() => t?.stop());

const SEARCH =
  'query($q: String!, $first: Int, $after: String, $inc: Boolean) { search(query: $q, first: $first, after: $after, includeDeleted: $inc) { totalCount nodes { id title } pageInfo { hasNextPage endCursor } } }';

describe('search', () => {
  it('ranks title matches above body matches, with english stemming, and skips non-matches', async () => {
    const res = await t.gql(SEARCH, { q: 'tombstones', first: 100 });
    const found = res.data?.search.nodes.map((n: { id: string }) => n.id);
    expect(found.indexOf(gid.post(ids.titleHit))).toBeLessThan(found.indexOf(gid.post(ids.bodyHit)));
    expect(found).not.toContain(gid.post(ids.miss));
    expect(res.data?.search.totalCount).toBe(9);
  });

  it('never matches a tombstoned post or a post by a tombstoned author for a live reader', async () => {
    const res = await t.gql(SEARCH, { q: 'tombstone', first: 100 });
    const found = res.data?.search.nodes.map((n: { id: string }) => n.id);
    expect(found).not.toContain(gid.post(ids.deleted));
    expect(found).not.toContain(gid.post(ids.byGone));
    const audited = await t.gql(
      SEARCH,
      { q: 'tombstone', first: 100, inc: true },
      { userId: ids.auditor, scopes: ['audit:read'] },
    );
    const all = audited.data?.search.nodes.map((n: { id: string }) => n.id);
    expect(all).toContain(gid.post(ids.deleted));
    expect(all).toContain(gid.post(ids.byGone));
    expect(audited.data?.search.totalCount).toBe(11);
  });

  it('supports web-search syntax: phrases and exclusions', async () => {
    const phrase = await t.gql(SEARCH, { q: '"tombstone roses"' });
    expect(phrase.data?.search.nodes).toEqual([{ id: gid.post(ids.bodyHit), title: 'Weekend' }]);
    const excluded = await t.gql(SEARCH, { q: 'tombstone -paging -garden', first: 100 });
    expect(excluded.data?.search.nodes.map((n: { title: string }) => n.title)).toEqual([
      'Tombstones in PostgreSQL',
    ]);
  });

  it('pages through every match exactly once', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const res: GqlResponse = await t.gql(SEARCH, { q: 'tombstone', first: 2, after });
      const search = (res.data as { search: any }).search;
      seen.push(...search.nodes.map((n: { id: string }) => n.id));
      if (!search.pageInfo.hasNextPage) break;
      after = search.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(9);
    expect(new Set(seen).size).toBe(9);
  });

  it.each([[''], ['   '], ['x'.repeat(201)]])('rejects %j with BAD_USER_INPUT', async (q) => {
    expect(codes(await t.gql(SEARCH, { q }))).toEqual(['BAD_USER_INPUT']);
  });

  it('rejects a cursor from another list', async () => {
    const posts = await t.gql('{ posts(first: 1) { pageInfo { endCursor } } }');
    expect(
      codes(await t.gql(SEARCH, { q: 'tombstone', after: posts.data?.posts.pageInfo.endCursor })),
    ).toEqual(['BAD_USER_INPUT']);
  });
});
