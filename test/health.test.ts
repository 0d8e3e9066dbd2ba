import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { startApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { clusterPids, postmasterOf, sessionsWaitingOnLocks, waitFor } from './support/processes.js';
import { startTestApp, TEST_SECRET } from './support/test-app.js';

/** GETs /healthz and says how long the answer took; gives up (throws) after 15 s. */
async function probe(graphqlUrl: string): Promise<{ status: number; ms: number; body: unknown }> {
  const started = Date.now();
  const response = await fetch(graphqlUrl.replace('/graphql', '/healthz'), {
    signal: AbortSignal.timeout(15_000),
  });
  return { status: response.status, ms: Date.now() - started, body: await response.json() };
}

describe('/healthz', () => {
  it('answers 503 within HEALTHZ_TIMEOUT_MS when the pool is taken by stuck requests, 200 after', async () => {
    const t = await startTestApp({ databasePoolSize: 1, healthzTimeoutMs: 500 });
    const locker = new pg.Client({ connectionString: t.databaseUrl });
    await locker.connect();
    try {
      await locker.query('begin');
      await locker.query('lock table post in access exclusive mode');
      // Takes the pool's only connection and keeps it, waiting on the lock.
      const stuck = t.gql('{ posts(first: 1) { totalCount } }');
      await waitFor(
        async () => (await sessionsWaitingOnLocks(t.databaseUrl)) >= 1,
        20_000,
        'the stuck query',
      );

      const health = await probe(t.app.url);
      expect(health.status).toBe(503);
      expect(health.body).toEqual({ status: 'unavailable' });
      expect(health.ms).toBeLessThan(500 + 3_000);

      await locker.query('commit');
      expect((await stuck).errors).toBeUndefined();
      expect((await probe(t.app.url)).status).toBe(200);
    } finally {
      await locker.end();
      await t.stop();
    }
  });

  it('answers 503 within HEALTHZ_TIMEOUT_MS while the database is frozen, 200 once it thaws', {
    timeout: 120_000,
  }, async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'tombstone-frozen-'));
    const config = loadConfig({
      NODE_ENV: 'test',
      JWT_SECRET: TEST_SECRET,
      PORT: '0',
      SEED_DEMO_DATA: 'false',
      DATA_DIR: dataDir,
      HEALTHZ_TIMEOUT_MS: '1000',
    });
    const app = await startApp({ ...config, databaseUrl: undefined }, () => {});
    let frozen: number[] = [];
    try {
      expect((await probe(app.url)).status).toBe(200);
      try {
        // The postmaster first, so that it cannot start a backend while the others are stopped.
        frozen = clusterPids(postmasterOf(join(dataDir, 'pg')).pid);
        for (const pid of frozen) process.kill(pid, 'SIGSTOP');
        const [first, second] = await Promise.all([probe(app.url), probe(app.url)]);
        for (const health of [first, second]) {
          expect(health.status).toBe(503);
          expect(health.ms).toBeLessThan(1_000 + 3_000);
        }
      } finally {
        for (const pid of frozen) process.kill(pid, 'SIGCONT');
      }
      await waitFor(async () => (await probe(app.url)).status === 200, 15_000, '/healthz to recover');
    } finally {
      await app.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
