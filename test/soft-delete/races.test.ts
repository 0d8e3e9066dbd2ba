import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtures } from '../support/fixtures.js';
import { gid } from '../support/ids.js';
import { auditMismatches, invariantOffenders, liveCommentCounts } from '../support/invariant-oracle.js';
import { codes, type GqlResponse, startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Conflicting mutations sent together through HTTP against real PostgreSQL, then SQL checks of the
 * invariants over the whole database. Each scenario runs `RACE_RUNS` times (default 6) on fresh
 * rows; `RACE_RUNS=100 npx vitest run test/soft-delete/races.test.ts` loops it harder.
 */
const RUNS = Number(process.env.RACE_RUNS ?? 6);

let t: TestApp;
let f: ReturnType<typeof fixtures>;
let moderator: { userId: number; scopes: string[] };
let run = 0;

beforeAll(async () => {
  // A small pool makes requests queue for connections, as under load.
  t = await startTestApp({ databasePoolSize: 6 });
  f = fixtures(t);
  moderator = { userId: await f.user('moderator'), scopes: ['content:moderate'] };
});
afterAll(() => t.stop());

const DELETE_COMMENT = 'mutation($id: ID!) { deleteComment(id: $id) { deletedCount } }';
const DELETE_USER = 'mutation($id: ID!) { deleteUser(id: $id) { deletedCount } }';
const RESTORE_COMMENT = 'mutation($id: ID!) { restoreComment(id: $id) { id } }';
const RESTORE_POST =
  'mutation($id: ID!) { restorePost(id: $id) { id post { title } author { username } restoredIds } }';
const DELETE_POST = 'mutation($id: ID!) { deletePost(id: $id) { deletedCount } }';
const REPLY = `mutation($post: ID!, $parent: ID) {
  createComment(input: { postId: $post, parentId: $parent, body: "reply" }) { id }
}`;
const CREATE_POST = 'mutation { createPost(input: { title: "during", body: "the delete" }) { id } }';

/** Client errors a racing request may legitimately get; anything else (a 500) fails the test. */
const EXPECTED = new Set(['NOT_FOUND', 'CONFLICT', 'UNAUTHENTICATED', 'CONCURRENT_UPDATE']);

function assertNoInternalErrors(responses: GqlResponse[]): void {
  for (const response of responses) {
    expect(response.status, JSON.stringify(response.errors)).toBeLessThan(500);
    for (const code of codes(response)) expect(EXPECTED, JSON.stringify(response.errors)).toContain(code);
  }
}

/** Resolves after `ms`, so that requests land while another is in flight. */
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function assertInvariants(postIds: number[] = []): Promise<void> {
  expect(await invariantOffenders(t)).toEqual([]);
  for (const post of postIds) {
    const res = await t.gql('query($id: ID!) { post(id: $id) { commentCount } }', { id: gid.post(post) });
    if (res.data?.post) expect(res.data.post.commentCount).toBe(await liveCommentCounts(t, post));
  }
}

async function thread(depth = 2) {
  run++;
  const owner = await f.user(`owner${run}`);
  const post = await f.post(owner, `Post ${run}`);
  const chain = [await f.comment(post, owner, 'C0')];
  for (let level = 1; level < depth; level++) {
    chain.push(await f.comment(post, owner, `C${level}`, chain[level - 1]));
  }
  return { owner, post, chain };
}

describe('deletes racing writes beneath them', () => {
  it('deleteComment(C0) while others reply to its reply C1: no reply stays live under the tombstone', async () => {
    for (let i = 0; i < RUNS; i++) {
      const { post, chain } = await thread(2);
      const repliers = await Promise.all([1, 2, 3].map((n) => f.user(`replier${run}_${n}`)));
      const replies = Array.from({ length: 24 }, (_, n) =>
        delay(n % 8).then(() =>
          t.gql(
            REPLY,
            { post: gid.post(post), parent: gid.comment(chain[1] as number) },
            {
              userId: repliers[n % 3] as number,
            },
          ),
        ),
      );
      const deletion = delay(3).then(() =>
        t.gql(DELETE_COMMENT, { id: gid.comment(chain[0] as number) }, moderator),
      );
      const responses = await Promise.all([deletion, ...replies]);
      assertNoInternalErrors(responses);
      expect(
        responses[0]?.data?.deleteComment?.deletedCount,
        JSON.stringify(responses[0]),
      ).toBeGreaterThanOrEqual(2);
      await assertInvariants([post]);
      expect(await auditMismatches(t)).toEqual([]);
      // Every reply that was accepted is gone with the thread; anonymous reads see none of them.
      for (const res of responses.slice(1)) {
        if (!res.data?.createComment) continue;
        const read = await t.gql('query($id: ID!) { comment(id: $id) { id } }', {
          id: res.data.createComment.id,
        });
        expect(read.data?.comment).toBeNull();
      }
    }
  });

  it('deleteUser while others reply two levels below the user’s comment', async () => {
    for (let i = 0; i < RUNS; i++) {
      run++;
      const owner = await f.user(`host${run}`);
      const doomed = await f.user(`doomed${run}`);
      const post = await f.post(owner, 'host post');
      const top = await f.comment(post, doomed, 'by doomed');
      const middle = await f.comment(post, owner, 'middle', top);
      const replies = Array.from({ length: 16 }, (_, n) =>
        delay(n % 6).then(() =>
          t.gql(REPLY, { post: gid.post(post), parent: gid.comment(middle) }, { userId: owner }),
        ),
      );
      const deletion = delay(2).then(() => t.gql(DELETE_USER, { id: gid.user(doomed) }, moderator));
      assertNoInternalErrors(await Promise.all([deletion, ...replies]));
      await assertInvariants([post]);
      expect(await auditMismatches(t)).toEqual([]);
    }
  });

  it('deleteUser(U) while U writes: every row U created is in the batch and its audit event', async () => {
    for (let i = 0; i < RUNS; i++) {
      run++;
      const writer = await f.user(`writer${run}`);
      const post = await f.post(writer, 'first');
      const writes = Array.from({ length: 16 }, (_, n) =>
        delay(n % 8).then(() =>
          n % 2 === 0
            ? t.gql(CREATE_POST, {}, { userId: writer })
            : t.gql(REPLY, { post: gid.post(post), parent: null }, { userId: writer }),
        ),
      );
      const deletion = delay(4).then(() => t.gql(DELETE_USER, { id: gid.user(writer) }, { userId: writer }));
      const [deleted, ...rest] = await Promise.all([deletion, ...writes]);
      assertNoInternalErrors([deleted as GqlResponse, ...rest]);
      const [{ n: live }] = await t.sql<{ n: string }>(
        `select (select count(*) from post where author_id = $1 and deleted_at is null) +
                (select count(*) from comment where author_id = $1 and deleted_at is null) as n`,
        [writer],
      );
      expect(Number(live)).toBe(0);
      const [{ n: stored }] = await t.sql<{ n: string }>(
        `select (select count(*) from users where id = $1) + (select count(*) from post where author_id = $1) +
                (select count(*) from comment where author_id = $1) as n`,
        [writer],
      );
      expect(deleted?.data?.deleteUser.deletedCount).toBe(Number(stored));
      expect(await auditMismatches(t)).toEqual([]);
      await assertInvariants([post]);
    }
  });

  it('deleteUser and createComment on the user’s posts and threads never surface a deadlock', async () => {
    for (let i = 0; i < RUNS; i++) {
      run++;
      const doomed = await f.user(`target${run}`);
      const others = await Promise.all([1, 2, 3, 4].map((n) => f.user(`other${run}_${n}`)));
      const posts = await Promise.all([1, 2, 3].map(() => f.post(doomed, 'doomed post')));
      const otherPost = await f.post(others[0] as number, 'other post');
      const theirs = await f.comment(otherPost, doomed, 'doomed comment');
      const requests = Array.from({ length: 24 }, (_, n) =>
        delay(n % 5).then(() => {
          const who = { userId: others[n % 4] as number };
          if (n % 3 === 0)
            return t.gql(REPLY, { post: gid.post(otherPost), parent: gid.comment(theirs) }, who);
          return t.gql(REPLY, { post: gid.post(posts[n % 3] as number), parent: null }, who);
        }),
      );
      const deletions = [0, 3].map((ms) =>
        delay(ms).then(() => t.gql(DELETE_USER, { id: gid.user(doomed) }, moderator)),
      );
      const responses = await Promise.all([...deletions, ...requests]);
      assertNoInternalErrors(responses);
      // Exactly one of the two deletes did it; the other found nothing left to delete.
      expect(responses.slice(0, 2).filter((res) => res.data?.deleteUser).length).toBe(1);
      await assertInvariants([...posts, otherPost]);
      expect(await auditMismatches(t)).toEqual([]);
    }
  });
});

describe('restores racing deletes', () => {
  it('restoreComment(R) racing deleteComment(parent of R) never leaves R live under a tombstone', async () => {
    for (let i = 0; i < RUNS; i++) {
      const { post, chain } = await thread(3);
      const [c0, c1, reply] = chain as [number, number, number];
      expect((await t.gql(DELETE_COMMENT, { id: gid.comment(reply) }, moderator)).errors).toBeUndefined();
      const responses = await Promise.all([
        t.gql(RESTORE_COMMENT, { id: gid.comment(reply) }, moderator),
        delay(i % 3).then(() => t.gql(DELETE_COMMENT, { id: gid.comment(i % 2 ? c1 : c0) }, moderator)),
      ]);
      assertNoInternalErrors(responses);
      await assertInvariants([post]);
    }
  });

  it('restorePost ×8 racing deleteUser(author) leaves no post live under the deleted author', async () => {
    for (let i = 0; i < RUNS; i++) {
      run++;
      const author = await f.user(`author${run}`);
      const posts = await Promise.all(Array.from({ length: 8 }, () => f.post(author, 'restorable')));
      for (const post of posts) await t.gql(DELETE_POST, { id: gid.post(post) }, moderator);
      const restores = posts.map((post, n) =>
        delay(n % 4).then(() => t.gql(RESTORE_POST, { id: gid.post(post) }, moderator)),
      );
      const deletion = delay(2).then(() => t.gql(DELETE_USER, { id: gid.user(author) }, moderator));
      const responses = await Promise.all([deletion, ...restores]);
      assertNoInternalErrors(responses);
      expect(responses[0]?.data?.deleteUser).toBeTruthy();
      await assertInvariants(posts);
      // A restore that committed answered with its post; one that did not answered CONFLICT.
      for (const [n, res] of responses.slice(1).entries()) {
        const restoredEvents = await t.sql(
          `select 1 from soft_delete_audit where action = 'restore' and entity_type = 'Post' and entity_id = $1`,
          [String(posts[n])],
        );
        if (restoredEvents.length > 0) {
          expect(res.data?.restorePost.id).toBe(gid.post(posts[n] as number));
          // The payload's post and author are the restore's, even when the author's delete followed.
          expect(res.data?.restorePost.post.title).toBeTruthy();
          expect(res.data?.restorePost.author.username).toBeTruthy();
          expect(res.data?.restorePost.restoredIds[0]).toBe(gid.post(posts[n] as number));
        } else expect(codes(res)).toEqual(['CONFLICT']);
      }
    }
  });
});

describe('the database keeps the invariant whatever writes to it', () => {
  it('refuses a tombstone written by hand while live rows depend on it, at commit', async () => {
    const { post, chain } = await thread(1);
    await expect(t.sql('update post set deleted_at = now() where id = $1', [post])).rejects.toMatchObject({
      code: 'TS002',
    });
    const [row] = await t.sql('select deleted_at from post where id = $1', [post]);
    expect(row?.deleted_at).toBeNull();
    // Written with its cascade, in one transaction, the same tombstone is accepted and hides both.
    await t.sql(
      `with p as (update post set deleted_at = now() where id = $1 returning id)
       update comment set deleted_at = now() where post_id in (select id from p)`,
      [post],
    );
    const read = await t.gql('query($c: ID!, $p: ID!) { comment(id: $c) { id } post(id: $p) { id } }', {
      c: gid.comment(chain[0] as number),
      p: gid.post(post),
    });
    expect(read.data).toEqual({ comment: null, post: null });
  });

  it('refuses a live row inserted, restored or moved under a tombstone', async () => {
    const { owner, post, chain } = await thread(2);
    const other = await f.post(owner, 'deleted post');
    await t.gql(DELETE_POST, { id: gid.post(other) }, moderator);
    await expect(
      t.sql(`insert into comment (post_id, author_id, body) values ($1, $2, 'raw')`, [other, owner]),
    ).rejects.toMatchObject({ code: 'TS001' });
    await expect(
      t.sql('update comment set post_id = $1, parent_id = null where id = $2', [other, chain[1]]),
    ).rejects.toMatchObject({ code: 'TS001' });
    await t.gql(DELETE_COMMENT, { id: gid.comment(chain[0] as number) }, moderator);
    await expect(
      t.sql('update comment set deleted_at = null where id = $1', [chain[1]]),
    ).rejects.toMatchObject({ code: 'TS001' });
    await assertInvariants([post, other]);
  });

  it('restoring a batch leaves a row whose parent was deleted on its own since in that parent’s batch', async () => {
    run++;
    const gina = await f.user(`gina${run}`);
    const hal = await f.user(`hal${run}`);
    const post = await f.post(gina, 'gina post');
    const c1 = await f.comment(post, gina, 'C1');
    const reply = await f.comment(post, hal, 'R', c1);
    const deep = await f.comment(post, hal, 'R2', reply);
    expect(
      (await t.gql(DELETE_USER, { id: gid.user(hal) }, { userId: hal })).data?.deleteUser.deletedCount,
    ).toBe(3);
    expect(
      (await t.gql(DELETE_COMMENT, { id: gid.comment(c1) }, { userId: gina })).data?.deleteComment,
    ).toEqual({
      deletedCount: 1,
    });
    const restored = await t.gql(
      'mutation($id: ID!) { restoreUser(id: $id) { id } }',
      { id: gid.user(hal) },
      moderator,
    );
    expect(restored.errors).toBeUndefined();
    const read = await t.gql(
      'query($r: ID!, $p: ID!) { comment(id: $r) { id } post(id: $p) { commentCount } }',
      {
        r: gid.comment(reply),
        p: gid.post(post),
      },
    );
    expect(read.data).toEqual({ comment: null, post: { commentCount: 0 } });
    await assertInvariants([post]);
    // Restoring C1 now brings back the replies hal's restore could not.
    const back = await t.gql(RESTORE_COMMENT, { id: gid.comment(c1) }, { userId: gina });
    expect(back.errors).toBeUndefined();
    const [{ n }] = await t.sql<{ n: string }>(
      'select count(*) as n from comment where id = any($1) and deleted_at is null',
      [[c1, reply, deep]],
    );
    expect(Number(n)).toBe(3);
    await assertInvariants([post]);
  });
});
