import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtures } from '../support/fixtures.js';
import { gid } from '../support/ids.js';
import { invariantOffenders } from '../support/invariant-oracle.js';
import { codes, startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Holes found by an adversarial review of the database-kept invariant. Each test states what the
 * README's Concurrency and Guarantees sections promise, and fails while the hole is open.
 */
let t: TestApp;
let f: ReturnType<typeof fixtures>;
let moderator: { userId: number; scopes: string[] };

beforeAll(async () => {
  t = await startTestApp();
  f = fixtures(t);
  moderator = { userId: await f.user('reviewmod'), scopes: ['content:moderate'] };
});
afterAll(() => t.stop());

const DELETE_COMMENT = 'mutation($id: ID!) { deleteComment(id: $id) { deletedCount } }';
const DELETE_USER = 'mutation($id: ID!) { deleteUser(id: $id) { deletedCount } }';

describe('raw SQL that slips past the guards', () => {
  it('an UPDATE that restores a row and changes its primary key is refused like any restore', async () => {
    const owner = await f.user('pkowner');
    const post = await f.post(owner, 'pk post');
    const top = await f.comment(post, owner, 'top');
    const leaf = await f.comment(post, owner, 'leaf', top);
    expect((await t.gql(DELETE_COMMENT, { id: gid.comment(top) }, moderator)).errors).toBeUndefined();
    // The child-side guard joins old and new rows on the primary key; a new key matches nothing.
    await expect(
      t.sql('update comment set id = id + 1000000, deleted_at = null, delete_batch = null where id = $1', [
        leaf,
      ]),
    ).rejects.toMatchObject({ code: 'TS001' });
    expect(await invariantOffenders(t)).toEqual([]);
  });
});

describe('restore around a tombstone written by hand', () => {
  it('restoring a parent tombstoned by hand brings back every row a restore left under it', async () => {
    const gina = await f.user('ginaraw');
    const hal = await f.user('halraw');
    const post = await f.post(gina, 'tombstoned by hand');
    const replies = [await f.comment(post, hal, 'one'), await f.comment(post, hal, 'two')];
    expect((await t.gql(DELETE_USER, { id: gid.user(hal) }, moderator)).data?.deleteUser.deletedCount).toBe(
      3,
    );
    // A tombstone written outside the toolkit (no live rows beneath it, so the guards accept it).
    await t.sql('update post set deleted_at = now() where id = $1', [post]);
    const restored = await t.gql(
      'mutation($id: ID!) { restoreUser(id: $id) { id } }',
      { id: gid.user(hal) },
      moderator,
    );
    expect(restored.errors).toBeUndefined();
    // Both replies are kept back by the post; restoring the post must bring both back.
    const back = await t.gql(
      'mutation($id: ID!) { restorePost(id: $id) { id } }',
      { id: gid.post(post) },
      moderator,
    );
    expect(back.errors).toBeUndefined();
    const [{ n }] = await t.sql<{ n: string }>(
      'select count(*) as n from comment where id = any($1) and deleted_at is null',
      [replies],
    );
    expect(Number(n)).toBe(2);
  });
});

/** Polls until a backend of the test database waits on a lock while running `like`. */
async function waitForLockWait(like: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const rows = await t.sql(
      `select 1 from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query ilike $1`,
      [like],
    );
    if (rows.length > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`no backend waited on a lock running ${like}`);
}

describe('a committed mutation answers with its result', () => {
  it('createComment that committed answers with its post even when the post is deleted right after', async () => {
    const owner = await f.user('payloadowner');
    const writer = await f.user('payloadwriter');
    const post = await f.post(owner, 'deleted right after the reply');
    const holder = new pg.Client({ connectionString: t.databaseUrl });
    const deleter = new pg.Client({ connectionString: t.databaseUrl });
    await holder.connect();
    await deleter.connect();
    try {
      // A delete in progress holds the post: the reply's guard waits for it (as under load).
      await holder.query('begin');
      await holder.query('select 1 from post where id = $1 for update', [post]);
      const reply = t.gql(
        'mutation($post: ID!) { createComment(input: { postId: $post, body: "hi" }) { id post { id } } }',
        { post: gid.post(post) },
        { userId: writer },
      );
      await waitForLockWait('insert into "comment"%');
      // A second delete of the post queues behind the reply and commits the moment it has committed
      // (the table lock only pins that ordering down; an HTTP deletePost lands there by chance).
      await deleter.query('begin');
      const locked = deleter.query('lock table post in access exclusive mode');
      await waitForLockWait('lock table post%');
      await holder.query('rollback');
      await locked;
      await deleter.query(
        `with p as (update post set deleted_at = now() where id = $1 returning id)
         update comment set deleted_at = now() where post_id in (select id from p) and deleted_at is null`,
        [post],
      );
      await deleter.query('commit');
      const res = await reply;
      const [stored] = await t.sql('select count(*)::int as n from comment where post_id = $1', [post]);
      expect(stored?.n).toBe(1);
      // The comment was written: the client must learn so, not get an internal error.
      expect(codes(res), JSON.stringify(res.errors)).not.toContain('INTERNAL_SERVER_ERROR');
      expect(res.data?.createComment?.post?.id).toBe(gid.post(post));
    } finally {
      await holder.end();
      await deleter.end();
    }
  });
});

describe('large batches on a warm connection', () => {
  it('restorePost of a post with 4,000 comments succeeds after the connection has restored a small batch', async () => {
    // One connection, so the small restore and the large one run on the same backend: PL/pgSQL
    // caches the guard's plans (no parameters: a generic plan) as first planned, for a transition
    // table of one row, i.e. a nested loop joining new_rows to old_rows, quadratic in the batch.
    const warm = await startTestApp({ databasePoolSize: 1 });
    try {
      const wf = fixtures(warm);
      const mod = { userId: await wf.user('warmmod'), scopes: ['content:moderate'] };
      const owner = await wf.user('warmowner');
      const small = await wf.post(owner, 'small');
      await wf.comment(small, owner, 'one');
      const big = await wf.post(owner, 'big');
      await warm.sql(
        `insert into comment (post_id, author_id, body) select $1, $2, 'c' from generate_series(1, 4000)`,
        [big, owner],
      );
      const RESTORE = 'mutation($id: ID!) { restorePost(id: $id) { id } }';
      const DELETE = 'mutation($id: ID!) { deletePost(id: $id) { deletedCount } }';
      expect((await warm.gql(DELETE, { id: gid.post(small) }, mod)).errors).toBeUndefined();
      expect((await warm.gql(RESTORE, { id: gid.post(small) }, mod)).errors).toBeUndefined();
      expect((await warm.gql(DELETE, { id: gid.post(big) }, mod)).data?.deletePost.deletedCount).toBe(4001);
      const restored = await warm.gql(RESTORE, { id: gid.post(big) }, mod);
      expect(restored.errors).toBeUndefined();
    } finally {
      await warm.stop();
    }
  });
});
