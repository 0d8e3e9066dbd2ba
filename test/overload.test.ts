import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toGlobalId } from '../src/graphql/global-id.js';
import { fixtures } from './support/fixtures.js';
import { sessionsOpened } from './support/processes.js';
import { codes, startTestApp, type TestApp } from './support/test-app.js';

// Heavy work is made slow deterministically: the test holds a lock on the comment table from its
// own connection, so a request's comment statement waits in PostgreSQL until the test lets go.

/** Costs 10 + 10 × 10 = 110 rows: heavy for the small admission settings below. */
const HEAVY = `query($id: ID!) { user(id: $id) { posts(first: 10) { nodes { title
  comments(first: 10) { nodes { body } } } } } }`;

/** A connection of the test's own that holds locks until `release()`. */
async function holdLock(databaseUrl: string, statement: string, params: unknown[] = []) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query('begin');
  await client.query(statement, params);
  return {
    pid: (await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]?.pid,
    /** Sessions ever opened on the database (read afresh, though inside the lock's transaction). */
    sessions: () => sessionsOpened(client),
    async release() {
      await client.query('rollback');
      await client.end();
    },
  };
}

/** Polls until `check` holds, or fails after `ms`. */
async function eventually(check: () => Promise<boolean>, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Condition not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Statements of the app waiting on a lock (the held one), from pg_stat_activity. */
async function waitingStatements(t: TestApp, lockPid: number | undefined): Promise<string[]> {
  const rows = await t.sql<{ query: string }>(
    `select query from pg_stat_activity
     where datname = current_database() and state = 'active' and wait_event_type = 'Lock' and pid <> $1`,
    [lockPid],
  );
  return rows.map((row) => row.query);
}

function post(t: TestApp, query: string, variables: Record<string, unknown>, signal?: AbortSignal) {
  return fetch(t.app.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
    signal,
  });
}

describe('overload protection', () => {
  let t: TestApp;
  let userId: string;

  beforeAll(async () => {
    t = await startTestApp({
      admission: { maxConcurrentCost: 100, maxOperations: 5, lightCost: 10, maxQueue: 1, maxWaitMs: 300 },
      // Long enough that only the abort can end a waiting statement in these tests.
      databaseStatementTimeoutMs: 60_000,
    });
    const f = fixtures(t);
    const user = await f.user('heavy');
    for (let i = 0; i < 3; i++) await f.comment(await f.post(user, `Post ${i}`), user, `Comment ${i}`);
    userId = toGlobalId('User', user);
  });
  afterAll(() => t?.stop());

  it('sheds heavy requests beyond the budget with 503 + Retry-After while light ones answer', async () => {
    const lock = await holdLock(t.databaseUrl, 'lock table comment in access exclusive mode');
    try {
      const admitted = post(t, HEAVY, { id: userId });
      await eventually(async () => (await waitingStatements(t, lock.pid)).length > 0);

      // One waits in the queue until maxWaitMs, the other two find the queue full.
      const excess = await Promise.all([1, 2, 3].map(() => post(t, HEAVY, { id: userId })));
      for (const response of excess) {
        expect(response.status).toBe(503);
        expect(response.headers.get('retry-after')).toBe('1');
        const body = (await response.json()) as { errors: { extensions: Record<string, unknown> }[] };
        expect(body.errors.map((error) => error.extensions.code)).toEqual(['SERVER_OVERLOADED']);
        expect(body.errors[0]?.extensions).toMatchObject({ retryable: true, retryAfterSeconds: 1 });
      }

      // Light work bypasses admission, even with the heavy one still holding the budget.
      const started = Date.now();
      expect((await t.gql('{ __typename }')).data).toEqual({ __typename: 'Query' });
      const small = await t.gql('{ posts(first: 5) { nodes { title } } }');
      expect(small.errors).toBeUndefined();
      expect(small.data?.posts.nodes).toHaveLength(3);
      expect((await fetch(t.app.url.replace('/graphql', '/healthz'))).status).toBe(200);
      expect(Date.now() - started).toBeLessThan(1_000);

      await lock.release();
      const done = await admitted;
      expect(done.status).toBe(200);
      const body = (await done.json()) as { data: { user: { posts: { nodes: unknown[] } } } };
      expect(body.data.user.posts.nodes).toHaveLength(3);
    } finally {
      await lock.release().catch(() => {});
    }
  });

  it('cancels the SQL of a client that disconnects, and frees its admission budget', async () => {
    const lock = await holdLock(t.databaseUrl, 'lock table comment in access exclusive mode');
    try {
      const client = new AbortController();
      const abandoned = post(t, HEAVY, { id: userId }, client.signal).catch((error: Error) => error);
      await eventually(async () => (await waitingStatements(t, lock.pid)).length > 0);
      expect((await waitingStatements(t, lock.pid)).join('\n')).toMatch(/"comment"/);

      const sessions = await lock.sessions();
      client.abort();
      expect(await abandoned).toMatchObject({ name: 'AbortError' });
      // A CancelRequest for the request's connection: the waiting statement is gone, though the
      // lock is still held (without cancellation it would wait for the statement timeout).
      await eventually(async () => (await waitingStatements(t, lock.pid)).length === 0, 3_000);
      // Cancelling opened no session (`pg_cancel_backend` from a client of its own would have):
      // a session's count is published by the time it ends, well within this wait.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await lock.sessions()).toBe(sessions);

      // The budget came back: the next heavy request is admitted, not shed.
      await lock.release();
      const next = await post(t, HEAVY, { id: userId });
      expect(next.status).toBe(200);
    } finally {
      await lock.release().catch(() => {});
    }
  });
});

describe('statement timeout', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ databaseStatementTimeoutMs: 300 });
  });
  afterAll(() => t?.stop());

  it('answers a statement stopped by statement_timeout with TIMEOUT, not an internal error', async () => {
    const f = fixtures(t);
    const user = await f.user('slow');
    const postId = await f.post(user);
    await f.comment(postId, user);
    const lock = await holdLock(t.databaseUrl, 'lock table comment in access exclusive mode');
    try {
      const res = await t.gql(
        'query($id: ID!) { post(id: $id) { title comments(first: 5) { totalCount } } }',
        {
          id: toGlobalId('Post', postId),
        },
      );
      expect(res.status).toBe(200);
      expect(codes(res)).toEqual(['TIMEOUT']);
      expect(res.errors?.[0]?.extensions).toEqual({ code: 'TIMEOUT', retryable: true });
      expect(res.errors?.[0]?.message).toMatch(/took too long/);
    } finally {
      await lock.release();
    }
  });

  it('rolls a timed-out deletion back', async () => {
    const f = fixtures(t);
    const user = await f.user('author');
    const postId = await f.post(user);
    const commentId = await f.comment(postId, user);
    // The cascade to the post's comments waits on this row lock until the timeout stops it.
    const lock = await holdLock(t.databaseUrl, 'select 1 from comment where id = $1 for update', [commentId]);
    try {
      const res = await t.gql(
        'mutation($id: ID!) { deletePost(id: $id) { deletedCount } }',
        { id: toGlobalId('Post', postId) },
        { userId: user },
      );
      expect(codes(res)).toEqual(['TIMEOUT']);
    } finally {
      await lock.release();
    }
    const [row] = await t.sql('select deleted_at from post where id = $1', [postId]);
    expect(row?.deleted_at).toBeNull();
    const [comment] = await t.sql('select deleted_at from comment where id = $1', [commentId]);
    expect(comment?.deleted_at).toBeNull();
  });
});
