import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { createDatabaseIfMissing, dropDatabase, withDatabase } from '../src/db/database.js';
import {
  buildServer,
  clusterPids,
  commandLine,
  descendants,
  isRunning,
  killGroup,
  type Outcome,
  portOpen,
  post,
  postmasterOf,
  readyUrl,
  type ServerProcess,
  sessionsWaitingOnLocks,
  spawnServer,
  waitFor,
} from './support/processes.js';
import { TEST_SECRET, tokenFor } from './support/test-app.js';

// Real server processes, built once: these tests are about what a signal does to a process.
beforeAll(() => buildServer());

/** Production settings (Apollo installs its own signal handlers outside NODE_ENV=test). */
function serverEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: 'production',
    JWT_SECRET: TEST_SECRET,
    PORT: '0',
    SEED_DEMO_DATA: 'true',
    // Every in-flight request gets its own connection, so all of them reach the lock below.
    DB_POOL_SIZE: '20',
    DATABASE_URL: '',
    ...extra,
  };
}

const IN_FLIGHT = 12;
const LIST = JSON.stringify({ query: '{ posts(first: 3) { totalCount nodes { title } } }' });
const create = (i: number) =>
  JSON.stringify({
    query: 'mutation ($input: CreatePostInput!) { createPost(input: $input) { title } }',
    variables: { input: { title: `in flight ${i}`, body: 'sent before SIGTERM' } },
  });

function expectSuccess(outcome: Outcome): void {
  expect(outcome).toMatchObject({ kind: 'complete', status: 200 });
  const body = JSON.parse((outcome as { body: string }).body);
  expect(body.errors).toBeUndefined();
  expect(body.data).toBeTruthy();
}

/**
 * Holds an exclusive lock on table `post` so that a batch of queries and mutations is provably in
 * flight (waiting inside PostgreSQL), signals the server, checks that it stops listening while
 * the database stays up, then releases the lock: every request must complete.
 */
async function drainScenario(mode: 'embedded' | 'external'): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'tombstone-drain-'));
  const adminUrl = inject('adminDatabaseUrl');
  const name = `tombstone_drain_${randomBytes(4).toString('hex')}`;
  let databaseUrl = '';
  if (mode === 'external') {
    await createDatabaseIfMissing(adminUrl, name);
    databaseUrl = withDatabase(adminUrl, name);
  }
  const server: ServerProcess = spawnServer(
    process.execPath,
    ['dist/server.js'],
    serverEnv({ DATA_DIR: dataDir, DATABASE_URL: databaseUrl }),
  );
  let db: pg.Client | undefined;
  try {
    const url = await readyUrl(server);
    const port = Number(new URL(url).port);
    const postmaster = mode === 'embedded' ? postmasterOf(join(dataDir, 'pg')) : undefined;
    if (postmaster) {
      const password = (await readFile(join(dataDir, 'pg.password'), 'utf8')).trim();
      databaseUrl = `postgres://tombstone:${encodeURIComponent(password)}@127.0.0.1:${postmaster.port}/tombstone`;
    }
    db = new pg.Client({ connectionString: databaseUrl });
    // The embedded server's fast shutdown ends this session too; that is expected.
    db.on('error', () => {});
    await db.connect();
    const alice = (await db.query(`select id from users where username = 'alice'`)).rows[0].id;
    const auth = { authorization: `Bearer ${await tokenFor(Number(alice))}` };

    await db.query('begin');
    await db.query('lock table post in access exclusive mode');
    const inFlight = Array.from({ length: IN_FLIGHT }, (_, i) =>
      i % 2 === 0 ? post(url, create(i), auth) : post(url, LIST),
    );
    await waitFor(
      async () => (await sessionsWaitingOnLocks(databaseUrl)) >= IN_FLIGHT,
      20_000,
      'requests in flight',
    );

    // Embedded: the whole process group, as a terminal's Ctrl-C or a supervisor would.
    if (mode === 'embedded') process.kill(-(server.child.pid as number), 'SIGTERM');
    else server.child.kill('SIGTERM');
    await waitFor(() => server.output().includes('SIGTERM received'), 10_000, 'the shutdown to begin');
    await waitFor(async () => !(await portOpen(port)), 10_000, 'the listener to close');

    const late = await post(url, LIST);
    expect(late).toMatchObject({ kind: 'refused' });
    expect(server.child.exitCode).toBeNull();
    if (postmaster) expect(isRunning(postmaster.pid)).toBe(true);

    await db.query('commit');
    const outcomes = await Promise.all(inFlight);
    for (const outcome of outcomes) expectSuccess(outcome);
    expect(await server.exited, server.output()).toBe(0);

    if (postmaster) {
      expect(clusterPids(postmaster.pid).filter(isRunning)).toEqual([]);
      expect(await portOpen(postmaster.port)).toBe(false);
    } else {
      const { rows } = await db.query(
        `select count(*)::int as n from post where body = 'sent before SIGTERM'`,
      );
      expect(rows[0].n).toBe(IN_FLIGHT / 2);
    }
  } finally {
    killGroup(server.child.pid);
    await db?.end().catch(() => {});
    await rm(dataDir, { recursive: true, force: true });
    if (mode === 'external') await dropDatabase(adminUrl, name);
  }
}

describe('SIGTERM', () => {
  it(
    'with the embedded database: in-flight requests complete, then PostgreSQL stops, exit 0',
    { timeout: 120_000 },
    () => drainScenario('embedded'),
  );

  it(
    'with DATABASE_URL: in-flight requests complete and their mutations are committed, exit 0',
    { timeout: 120_000 },
    () => drainScenario('external'),
  );

  it('closes requests still running after SHUTDOWN_GRACE_MS and stops anyway', {
    timeout: 120_000,
  }, async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'tombstone-grace-'));
    const server = spawnServer(
      process.execPath,
      ['dist/server.js'],
      serverEnv({ DATA_DIR: dataDir, SHUTDOWN_GRACE_MS: '500', SEED_DEMO_DATA: 'false' }),
    );
    let db: pg.Client | undefined;
    try {
      const url = await readyUrl(server);
      const postmaster = postmasterOf(join(dataDir, 'pg'));
      const password = (await readFile(join(dataDir, 'pg.password'), 'utf8')).trim();
      const databaseUrl = `postgres://tombstone:${encodeURIComponent(password)}@127.0.0.1:${postmaster.port}/tombstone`;
      db = new pg.Client({ connectionString: databaseUrl });
      db.on('error', () => {});
      await db.connect();
      await db.query('begin');
      await db.query('lock table post in access exclusive mode');
      const stuck = post(url, LIST);
      await waitFor(
        async () => (await sessionsWaitingOnLocks(databaseUrl)) >= 1,
        20_000,
        'a request in flight',
      );

      const signalledAt = Date.now();
      server.child.kill('SIGTERM');
      // The lock is never released: only the grace periods end this shutdown.
      expect(await server.exited, server.output()).toBe(0);
      expect(Date.now() - signalledAt).toBeLessThan(10_000);
      expect((await stuck).kind).not.toBe('complete');
      expect(clusterPids(postmaster.pid).filter(isRunning)).toEqual([]);
    } finally {
      killGroup(server.child.pid);
      await db?.end().catch(() => {});
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe('npm start', () => {
  it('stops the node server and PostgreSQL when npm gets SIGTERM', { timeout: 120_000 }, async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'tombstone-npm-start-'));
    const npm = spawnServer('npm', ['start'], serverEnv({ DATA_DIR: dataDir, SEED_DEMO_DATA: 'false' }));
    try {
      const url = await readyUrl(npm);
      const postmaster = postmasterOf(join(dataDir, 'pg'));
      const tree = descendants(npm.child.pid as number);
      expect(tree.some((pid) => commandLine(pid).includes('dist/server.js'))).toBe(true);
      expect(tree).toContain(postmaster.pid);

      npm.child.kill('SIGTERM');
      await npm.exited;
      await waitFor(() => tree.every((pid) => !isRunning(pid)), 15_000, 'every process npm started to exit');
      expect(await portOpen(Number(new URL(url).port))).toBe(false);
      expect(await portOpen(postmaster.port)).toBe(false);
    } finally {
      killGroup(npm.child.pid);
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
