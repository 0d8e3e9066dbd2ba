import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtures } from '../support/fixtures.js';
import { gid } from '../support/ids.js';
import { codes, startTestApp, type TestApp } from '../support/test-app.js';

/*
 * What the console reads from the trash: filters by actor, time and batch, and each row's batch
 * (root, size, what a purge would remove).
 *
 * The world: alice wrote post P with comment c and carol's reply r under it. carol deleted her
 * reply r on her own first ("typo"); then, after `between`, the moderator deleted P ("spam"),
 * which took c with it (r was already deleted, so it keeps its own batch).
 */
let t: TestApp;
let w: Record<string, number>;
let between: Date;
const moderator = { userId: 0, scopes: ['content:moderate'] };
const auditor = { userId: 0, scopes: ['audit:read'] };
const purger = { userId: 0, scopes: ['data:purge', 'content:moderate'] };

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  t = await startTestApp();
  const f = fixtures(t);
  const alice = await f.user('alice');
  const carol = await f.user('carol');
  const mod = await f.user('mod');
  const aud = await f.user('aud');
  const pur = await f.user('pur');
  const p = await f.post(alice, 'P');
  const c = await f.comment(p, alice, 'c');
  const r = await f.comment(p, carol, 'r', c);
  w = { alice, carol, mod, aud, pur, p, c, r };
  moderator.userId = mod;
  auditor.userId = aud;
  purger.userId = pur;
  const byCarol = await t.gql(
    'mutation($id: ID!) { deleteComment(id: $id, reason: "typo") { id } }',
    {
      id: gid.comment(r),
    },
    { userId: carol },
  );
  expect(byCarol.errors).toBeUndefined();
  await pause(30);
  between = new Date();
  await pause(30);
  const byModerator = await t.gql(
    'mutation($id: ID!) { deletePost(id: $id, reason: "spam") { id } }',
    {
      id: gid.post(p),
    },
    moderator,
  );
  expect(byModerator.errors).toBeUndefined();
});
afterAll(() => t?.stop());

const TRASH = `query($by: ID, $after: DateTime, $before: DateTime, $batch: ID) {
  trash(deletedBy: $by, deletedAfter: $after, deletedBefore: $before, batch: $batch) {
    totalCount
    edges { node { id } batch { id rootType rootId isRoot size } }
  }
}`;

type TrashEdge = {
  node: { id: string };
  batch: { id: string; rootType: string; rootId: string; isRoot: boolean; size: number };
};
const ids = (edges: TrashEdge[]) => edges.map((edge) => edge.node.id);

describe('trash filters', () => {
  it('keeps the rows one user deleted, cascades included, and counts only those', async () => {
    const byModerator = await t.gql(TRASH, { by: gid.user(w.mod!) }, auditor);
    expect(ids(byModerator.data?.trash.edges)).toEqual([gid.post(w.p!), gid.comment(w.c!)]);
    expect(byModerator.data?.trash.totalCount).toBe(2);
    const byCarol = await t.gql(TRASH, { by: gid.user(w.carol!) }, auditor);
    expect(ids(byCarol.data?.trash.edges)).toEqual([gid.comment(w.r!)]);
    expect(byCarol.data?.trash.totalCount).toBe(1);
  });

  it('keeps the rows deleted at or after `deletedAfter` and before `deletedBefore`', async () => {
    const later = await t.gql(TRASH, { after: between.toISOString() }, auditor);
    expect(ids(later.data?.trash.edges)).toEqual([gid.post(w.p!), gid.comment(w.c!)]);
    const earlier = await t.gql(TRASH, { before: between.toISOString() }, auditor);
    expect(ids(earlier.data?.trash.edges)).toEqual([gid.comment(w.r!)]);
    expect(earlier.data?.trash.totalCount).toBe(1);
    const both = await t.gql(TRASH, { by: gid.user(w.carol!), after: between.toISOString() }, auditor);
    expect(both.data?.trash).toEqual({ totalCount: 0, edges: [] });
  });

  it('keeps the rows of one batch, for moderators too', async () => {
    const all = await t.gql(TRASH, {}, moderator);
    const postBatch = (all.data!.trash.edges as TrashEdge[])[0]!.batch.id;
    const batch = await t.gql(TRASH, { batch: postBatch }, moderator);
    expect(ids(batch.data?.trash.edges)).toEqual([gid.post(w.p!), gid.comment(w.c!)]);
    expect(batch.data?.trash.totalCount).toBe(2);
  });

  it('choose the trash rows only: lists and counts below a row take their own includeDeleted', async () => {
    const all = await t.gql(TRASH, {}, auditor);
    const postBatch = (all.data!.trash.edges as TrashEdge[])[0]!.batch.id;
    const res = await t.gql(
      `query($batch: ID) { trash(batch: $batch, type: [POST]) { nodes { ... on Post {
        commentCount all: commentCount(includeDeleted: true)
        comments { totalCount } deleted: comments(includeDeleted: true) { nodes { id } }
      } } } }`,
      { batch: postBatch },
      auditor,
    );
    expect(res.data?.trash.nodes).toEqual([
      {
        commentCount: 0,
        all: 2,
        comments: { totalCount: 0 },
        deleted: { nodes: [{ id: gid.comment(w.c!) }] },
      },
    ]);
  });

  it('refuses a malformed actor or batch id with BAD_USER_INPUT', async () => {
    expect(codes(await t.gql(TRASH, { by: gid.post(w.p!) }, auditor))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await t.gql(TRASH, { batch: 'not-a-batch' }, moderator))).toEqual(['BAD_USER_INPUT']);
  });

  it('needs audit:read to filter by actor or time, as to read who deleted and when', async () => {
    const res = await t.gql(TRASH, { by: gid.user(w.mod!), after: between.toISOString() }, moderator);
    expect(res.data).toBeUndefined();
    expect(res.errors?.map((e) => [e.extensions?.code, e.extensions?.coordinate])).toEqual([
      ['FORBIDDEN', 'Query.trash(deletedBy:)'],
      ['FORBIDDEN', 'Query.trash(deletedAfter:)'],
    ]);
  });
});

describe("a trash row's batch", () => {
  it('names the root and counts the rows the batch holds', async () => {
    const res = await t.gql(TRASH, {}, moderator);
    const [post, comment, reply] = res.data!.trash.edges as TrashEdge[];
    expect(post!.batch).toMatchObject({ rootType: 'Post', rootId: gid.post(w.p!), isRoot: true, size: 2 });
    expect(comment!.batch).toEqual({ ...post!.batch, isRoot: false });
    expect(reply!.batch).toMatchObject({
      rootType: 'Comment',
      rootId: gid.comment(w.r!),
      isRoot: true,
      size: 1,
    });
  });

  it('names the root a restore of a non-root refuses with', async () => {
    const trash = await t.gql(TRASH, {}, moderator);
    const comment = (trash.data!.trash.edges as TrashEdge[])[1]!;
    const res = await t.gql(
      'mutation($id: ID!) { restoreComment(id: $id) { id } }',
      { id: comment.node.id },
      moderator,
    );
    expect(codes(res)).toEqual(['CONFLICT']);
    expect(res.errors?.[0]?.extensions?.target).toBe(comment.batch.rootId);
  });

  it('tells a purger how many rows a purge removes, which is what the purge then removes', async () => {
    const query = '{ trash(type: [POST]) { nodes { id } edges { batch { size purgeCount } } } }';
    expect(codes(await t.gql(query, {}, moderator))).toEqual(['FORBIDDEN']);
    const before = await t.gql(query, {}, purger);
    // The batch holds P and c; the purge also removes r, deleted on its own beneath c.
    expect(before.data?.trash.edges).toEqual([{ batch: { size: 2, purgeCount: 3 } }]);
    const purged = await t.gql(
      'mutation($id: ID!) { purgePost(id: $id) { purgedCount } }',
      { id: gid.post(w.p!) },
      purger,
    );
    expect(purged.data?.purgePost.purgedCount).toBe(3);
    expect((await t.gql(TRASH, {}, auditor)).data?.trash).toEqual({ totalCount: 0, edges: [] });
  });
});
