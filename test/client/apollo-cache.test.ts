import { type ApolloCache, ApolloClient, type DocumentNode, gql, HttpLink } from '@apollo/client';
import { print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtures } from '../support/fixtures.js';
import { gid } from '../support/ids.js';
import { startTestApp, type TestApp, tokenFor } from '../support/test-app.js';
import { createCache } from './cache-policies.js';

/*
 * A real client against the real server over HTTP: Apollo Client 4 with a normalized
 * InMemoryCache, set up as the README recommends (cache-policies.ts). A normalized cache keys a
 * field by its parent object and its own arguments; these tests hold the server to that contract.
 *
 * The world: alice wrote P1 (comments c1, c2, c3 by carol, and c4, deleted) and P2 (deleted);
 * bob wrote P3, the newest. An ordinary view of P1 shows 3 comments, an auditor's view 4.
 */

let t: TestApp;
let w: Record<string, number>;
let staffToken: string;

beforeAll(async () => {
  t = await startTestApp();
  const f = fixtures(t);
  const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute));
  const alice = await f.user('alice');
  const bob = await f.user('bob');
  const carol = await f.user('carol');
  const staff = await f.user('staff');
  const p1 = await f.post(alice, 'P1', at(1));
  const c1 = await f.comment(p1, carol, 'c1', undefined, at(2));
  const c2 = await f.comment(p1, carol, 'c2', undefined, at(3));
  const c3 = await f.comment(p1, carol, 'c3', undefined, at(4));
  const c4 = await f.comment(p1, carol, 'c4', undefined, at(5));
  const p2 = await f.post(alice, 'P2', at(6));
  const p3 = await f.post(bob, 'P3', at(7));
  await f.tombstone('Comment', c4);
  await f.tombstone('Post', p2);
  w = { alice, bob, carol, staff, p1, p2, p3, c1, c2, c3, c4 };
  // One person who uses both screens: an auditor who also moderates.
  staffToken = await tokenFor(staff, ['audit:read', 'content:moderate']);
});
afterAll(() => t?.stop());

/** A client as an app builds it, with a cache of its own unless one is shared. */
function client(cache = createCache()) {
  return new ApolloClient({
    cache,
    link: new HttpLink({ uri: t.app.url, headers: { authorization: `Bearer ${staffToken}` } }),
  });
}

const ORDINARY = gql`
  query Ordinary($post: ID!) {
    post(id: $post) {
      id title commentCount
      comments(first: 10) { totalCount nodes { id body } }
      author { id posts { totalCount } }
    }
    posts(first: 10) { nodes { id title commentCount } }
  }
`;
// An auditor's screen: what is live, and beside it what was deleted. Its plain fields are the
// ordinary view's fields of the same objects, so they share cache entries and must agree.
const AUDIT = gql`
  query Audit($post: ID!) {
    post(id: $post, includeDeleted: true) {
      id title isDeleted commentCount allComments: commentCount(includeDeleted: true)
      comments(first: 10, includeDeleted: true) { totalCount nodes { id body isDeleted } }
      author { id posts { totalCount } allPosts: posts(includeDeleted: true) { totalCount } }
    }
    posts(first: 10, includeDeleted: true) {
      nodes { id title isDeleted commentCount allComments: commentCount(includeDeleted: true) }
    }
  }
`;

/** Apollo adds `__typename` everywhere; the server's own answer has only what was asked. */
const strip = (data: unknown) =>
  JSON.parse(JSON.stringify(data, (key, value) => (key === '__typename' ? undefined : value)));

/** What the server answers right now, without any cache: the truth a cached view must equal. */
async function truth(query: DocumentNode, variables: Record<string, unknown>) {
  const res = await t.gql(print(query), variables, { authorization: `Bearer ${staffToken}` });
  expect(res.errors).toBeUndefined();
  return res.data;
}

/** Records every complete result a cache-only watcher of `query` ever emits. */
function watch(apollo: ApolloClient, query: DocumentNode, variables: Record<string, unknown>) {
  const seen: unknown[] = [];
  const subscription = apollo
    .watchQuery({ query, variables, fetchPolicy: 'cache-only' })
    .subscribe((result) => {
      if (result.dataState === 'complete') seen.push(strip(result.data));
    });
  return { seen, stop: () => subscription.unsubscribe() };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('one Apollo InMemoryCache shared by an ordinary and an auditor view', () => {
  it('the two views of the same objects differ (so the tests below can fail)', async () => {
    const variables = { post: gid.post(w.p1) };
    const ordinary = await truth(ORDINARY, variables);
    const audit = await truth(AUDIT, variables);
    expect(ordinary?.post.commentCount).toBe(3);
    // Under a post read with includeDeleted: true, a count without it is still the live count.
    expect(audit?.post).toMatchObject({ commentCount: 3, allComments: 4 });
    expect(ordinary?.post.author.posts.totalCount).toBe(1);
    expect(audit?.post.author).toMatchObject({ posts: { totalCount: 1 }, allPosts: { totalCount: 2 } });
    expect(ordinary?.posts.nodes.map((p: { title: string }) => p.title)).toEqual(['P3', 'P1']);
    expect(audit?.posts.nodes.map((p: { title: string }) => p.title)).toEqual(['P3', 'P2', 'P1']);
  });

  for (const [name, first, second] of [
    ['ordinary first', ORDINARY, AUDIT],
    ['auditor first', AUDIT, ORDINARY],
  ] as const) {
    it(`never shows either view the other's rows or counts (${name})`, async () => {
      const variables = { post: gid.post(w.p1) };
      const expected = new Map([
        [ORDINARY, await truth(ORDINARY, variables)],
        [AUDIT, await truth(AUDIT, variables)],
      ]);
      const apollo = client();
      const watchers = [ORDINARY, AUDIT].map((query) => ({ query, ...watch(apollo, query, variables) }));

      // Cache-first, as an app navigates: the second view must not be answered from the first's entries.
      for (const query of [first, second]) {
        expect(strip((await apollo.query({ query, variables })).data)).toEqual(expected.get(query));
      }
      // Refetching one view (the last write) leaves the other's entries alone.
      for (const query of [first, second, first]) {
        await apollo.query({ query, variables, fetchPolicy: 'network-only' });
      }
      await settle();
      for (const query of [ORDINARY, AUDIT]) {
        expect(strip(apollo.readQuery({ query, variables }))).toEqual(expected.get(query));
      }
      for (const watcher of watchers) {
        watcher.stop();
        expect(watcher.seen.length).toBeGreaterThan(0);
        for (const seen of watcher.seen) expect(seen).toEqual(expected.get(watcher.query));
      }
    });
  }
});

describe('delete and restore payloads update the cache without a refetch', () => {
  const THREAD = gql`
    query Thread($post: ID!) {
      post(id: $post) { id title commentCount comments(first: 10) { totalCount nodes { id body } } }
    }
  `;
  const FEED = gql`
    query Feed {
      posts(first: 10) { nodes { id title commentCount } }
    }
  `;
  const AUTHOR = gql`
    query Author($user: ID!) {
      user(id: $user) { id posts { totalCount nodes { id title } } }
    }
  `;
  const AUDIT_COUNTS = gql`
    query AuditCounts($post: ID!) {
      post(id: $post, includeDeleted: true) {
        id commentCount(includeDeleted: true)
        author { id posts(includeDeleted: true) { totalCount } }
      }
    }
  `;
  const DELETE_COMMENT = gql`
    mutation DeleteComment($id: ID!) {
      deleteComment(id: $id) {
        id deletedIds
        post { id commentCount comments(first: 10) { totalCount } }
        parent { id }
        author { id comments { totalCount } }
      }
    }
  `;
  const DELETE_POST = gql`
    mutation DeletePost($id: ID!) {
      deletePost(id: $id) { id deletedIds author { id posts { totalCount } } }
    }
  `;
  const RESTORE_POST = gql`
    mutation RestorePost($id: ID!) {
      restorePost(id: $id) {
        id restoredIds
        post { id title commentCount comments(first: 10) { totalCount nodes { id body } } }
        author { id posts { totalCount } }
      }
    }
  `;

  /** What the README's update function does: evict every row of the batch. */
  const evictDeleted = (
    cache: ApolloCache,
    result: { data?: Record<string, { deletedIds: string[] }> | null },
  ) => {
    for (const payload of Object.values(result.data ?? {})) {
      for (const id of payload.deletedIds) cache.evict({ id });
    }
    cache.gc();
  };

  it('after deleteComment, deletePost and restorePost, the cached views equal the server', async () => {
    const cache = createCache();
    const apollo = client(cache);
    const views = [
      { query: THREAD, variables: { post: gid.post(w.p1) } },
      { query: FEED, variables: {} },
      { query: AUTHOR, variables: { user: gid.user(w.alice) } },
    ];
    const auditCounts = { query: AUDIT_COUNTS, variables: { post: gid.post(w.p1) } };
    for (const view of [...views, auditCounts]) await apollo.query(view);
    const expectCacheToMatchServer = async (
      list: { query: DocumentNode; variables: Record<string, unknown> }[],
    ) => {
      for (const view of list) {
        expect(strip(apollo.readQuery(view)), print(view.query)).toEqual(
          await truth(view.query, view.variables),
        );
      }
    };

    // One comment of P1: the payload's post refreshes commentCount and the list's totalCount.
    const deleted = await apollo.mutate<{ deleteComment: { deletedIds: string[] } }>({
      mutation: DELETE_COMMENT,
      variables: { id: gid.comment(w.c2) },
      update: evictDeleted,
    });
    expect(deleted.data?.deleteComment.deletedIds).toEqual([gid.comment(w.c2)]);
    await expectCacheToMatchServer([...views, auditCounts]);
    expect(apollo.readQuery(views[0] as never)).toMatchObject({ post: { commentCount: 2 } });
    // The auditor's count includes deleted rows: the delete left it as it was, and so did the payload.
    expect(apollo.readQuery(auditCounts)).toMatchObject({ post: { commentCount: 4 } });

    // P1 itself: evicting it and its comments empties the thread; the feed and alice's count follow.
    await apollo.mutate({ mutation: DELETE_POST, variables: { id: gid.post(w.p1) }, update: evictDeleted });
    expect(apollo.readQuery(views[0] as never)).toBeNull();
    await expectCacheToMatchServer(views.slice(1));
    expect(apollo.readQuery(views[2] as never)).toMatchObject({
      user: { posts: { totalCount: 0, nodes: [] } },
    });

    // Restored: the payload writes the post, its comments and alice's count back.
    const restored = await apollo.mutate<{ restorePost: { restoredIds: string[] } }>({
      mutation: RESTORE_POST,
      variables: { id: gid.post(w.p1) },
    });
    expect(restored.data?.restorePost.restoredIds[0]).toBe(gid.post(w.p1));
    await expectCacheToMatchServer(views);
    expect(apollo.readQuery(views[0] as never)).toMatchObject({ post: { commentCount: 2 } });

    // The auditor's view of P1 went with the evicted post: it refetches, and the ordinary views stay right.
    await apollo.query({ ...auditCounts, fetchPolicy: 'network-only' });
    await expectCacheToMatchServer([...views, auditCounts]);
  });
});
