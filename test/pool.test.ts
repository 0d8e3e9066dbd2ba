import { request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, startApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { fixtures } from './support/fixtures.js';
import { sessionsOpened, waitFor } from './support/processes.js';
import { slowProxy } from './support/slow-proxy.js';
import { startTestApp, startTwinApp, TEST_SECRET, type TestApp } from './support/test-app.js';

const FEED = '{ posts(first: 5) { nodes { title author { username } commentCount } } }';

/** Sessions PostgreSQL opened on the test database while `work` ran, over a connection opened before. */
async function sessionsOpenedBy(databaseUrl: string, work: () => Promise<unknown>): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const before = await sessionsOpened(client);
    await work();
    return (await sessionsOpened(client)) - before;
  } finally {
    await client.end();
  }
}

describe('pooled connections between bursts', () => {
  let t: TestApp;
  let twin: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ databasePoolIdleTimeoutMs: 200 });
    twin = await startTwinApp(t, { databasePoolIdleTimeoutMs: 60_000 });
    const f = fixtures(t);
    const user = await f.user('burst');
    await f.comment(await f.post(user), user);
  });
  afterAll(async () => {
    await twin?.stop();
    await t?.stop();
  });

  /** Sessions a request opens after the server sat idle for `idleMs`, its pool warm before. */
  async function sessionsAfterLull(app: TestApp, idleMs: number): Promise<number> {
    for (let i = 0; i < 3; i++) expect((await app.gql(FEED)).errors).toBeUndefined();
    await sleep(idleMs);
    return sessionsOpenedBy(app.databaseUrl, async () => {
      expect((await app.gql(FEED)).errors).toBeUndefined();
    });
  }

  it('reuses its connections after a lull shorter than DB_POOL_IDLE_TIMEOUT_MS', async () => {
    expect(await sessionsAfterLull(twin, 1_000)).toBe(0);
  });

  it('closes connections idle for DB_POOL_IDLE_TIMEOUT_MS and opens new ones for the next request', async () => {
    expect(await sessionsAfterLull(t, 1_000)).toBeGreaterThan(0);
  });
});

describe('DB_POOL_IDLE_TIMEOUT_MS', () => {
  const env = { NODE_ENV: 'test', JWT_SECRET: TEST_SECRET };

  it('defaults to a minute, longer than pg’s 10 s, and takes 0 for "keep"', () => {
    expect(loadConfig(env).databasePoolIdleTimeoutMs).toBe(60_000);
    expect(loadConfig({ ...env, DB_POOL_IDLE_TIMEOUT_MS: '0' }).databasePoolIdleTimeoutMs).toBe(0);
  });

  it('refuses a value that is not a number of milliseconds', () => {
    expect(() => loadConfig({ ...env, DB_POOL_IDLE_TIMEOUT_MS: 'soon' })).toThrow(/DB_POOL_IDLE_TIMEOUT_MS/);
    expect(() => loadConfig({ ...env, DB_POOL_IDLE_TIMEOUT_MS: '-1' })).toThrow(/DB_POOL_IDLE_TIMEOUT_MS/);
  });
});

describe('closing the pool', () => {
  it('a stop right after clients abandon their requests does not wait out the grace period', {
    timeout: 60_000,
  }, async () => {
    const t = await startTestApp();
    const target = new URL(t.databaseUrl);
    const proxy = await slowProxy(target.hostname, Number(target.port));
    const locker = new pg.Client({ connectionString: t.databaseUrl });
    const logs: string[] = [];
    let started: App | undefined;
    try {
      const app = await startApp(
        {
          ...t.app.config,
          port: 0,
          databaseUrl: proxy.url(t.databaseUrl),
          databasePoolSize: 4,
          shutdownGraceMs: 20_000,
        },
        (line) => logs.push(line),
      );
      started = app;
      // Requests that got a connection wait on the lock; the others wait for new connections,
      // which the proxy holds back for a second.
      await locker.connect();
      await locker.query('begin');
      await locker.query('lock table post in access exclusive mode');
      proxy.delayMs = 1_000;
      const sent = Array.from({ length: 6 }, () => {
        const req = request(app.url, { method: 'POST', headers: { 'content-type': 'application/json' } });
        req.on('error', () => {});
        req.end(JSON.stringify({ query: '{ posts(first: 3) { nodes { title } } }' }));
        return req;
      });
      await waitFor(() => proxy.held > 0, 10_000, 'a new connection being opened');
      for (const req of sent) req.destroy();

      const began = Date.now();
      await app.stop();
      // Without waiting for the abandoned acquisitions, a connection opened after the pool was
      // closed is never released and the stop takes all of SHUTDOWN_GRACE_MS.
      expect(Date.now() - began).toBeLessThan(10_000);
      expect(logs.filter((line) => line.includes('still busy'))).toEqual([]);
    } finally {
      await started?.stop();
      await locker.end().catch(() => {});
      await proxy.close();
      await t.stop();
    }
  });
});
