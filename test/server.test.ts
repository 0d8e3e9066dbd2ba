import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/database.js';
import { DEMO_USERNAMES, seedDemoData } from '../src/db/seeders/demo.seeder.js';
import { fixtures } from './support/fixtures.js';
import { codes, startTestApp, type TestApp } from './support/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.stop());

describe('HTTP surface', () => {
  it('answers /healthz with 200 once the database is reachable', async () => {
    const response = await fetch(t.app.url.replace('/graphql', '/healthz'));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('answers unknown paths with 404 and broken JSON with 400', async () => {
    expect((await fetch(t.app.url.replace('/graphql', '/nope'))).status).toBe(404);
    const broken = await fetch(t.app.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query": ',
    });
    expect(broken.status).toBe(400);
    expect(((await broken.json()) as any).errors[0].extensions.code).toBe('BAD_REQUEST');
  });

  it('reports GraphQL syntax and validation errors with their codes', async () => {
    expect(codes(await t.gql('{ posts {'))).toEqual(['GRAPHQL_PARSE_FAILED']);
    expect(codes(await t.gql('{ nope }'))).toEqual(['GRAPHQL_VALIDATION_FAILED']);
  });
});

describe('internal errors', () => {
  it('are masked outside development: no message details, no stack trace, no SQL', async () => {
    const prod = await startTestApp({ nodeEnv: 'production' });
    try {
      const userId = await fixtures(prod).user('masked');
      // Break the database under the running server so that a read fails inside PostgreSQL.
      await prod.sql('alter table users rename column created_at to created_at_gone');
      const res = await prod.gql('{ users { nodes { displayName } } }');
      expect(res.errors).toHaveLength(1);
      expect(res.errors?.[0]).toMatchObject({
        message: 'Internal server error.',
        extensions: { code: 'INTERNAL_SERVER_ERROR' },
      });
      expect(JSON.stringify(res)).not.toMatch(/created_at|select|stacktrace|\.ts:/i);
      // Failing while the request's viewer is looked up, before Apollo runs the operation.
      const viewer = await prod.gql('{ viewer { id } }', {}, { userId });
      expect(viewer.status).toBe(500);
      expect(viewer.errors).toEqual([
        { message: 'Internal server error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } },
      ]);
    } finally {
      await prod.stop();
    }
  });

  it('keep their message and stack trace in development', async () => {
    const dev = await startTestApp({ nodeEnv: 'development' });
    try {
      await fixtures(dev).user('unmasked');
      await dev.sql('alter table users rename column created_at to created_at_gone');
      const res = await dev.gql('{ users { nodes { displayName } } }');
      expect(res.errors?.[0]?.message).toMatch(/created_at/);
      expect(res.errors?.[0]?.extensions?.stacktrace).toBeDefined();
    } finally {
      await dev.stop();
    }
  });
});

describe('database', () => {
  it('has a migrated schema that matches the entity definitions exactly', async () => {
    const diff = await t.app.orm.schema.getUpdateSchemaSQL({ wrap: false });
    // The soft-delete toolkit's invariant guards are generated from the model at startup, not
    // declared on entities; MikroORM's diff would drop them, and nothing else.
    const ownGuards = /^drop (trigger|function) if exists "[a-z_]*tombstone_guard_[a-z_]*"/;
    const rest = diff
      .split('\n')
      .filter((line) => line.trim() !== '' && !ownGuards.test(line))
      .join('\n');
    expect(rest).toBe('');
    expect(diff).toContain('tombstone_guard_comment_ins');
  });

  it('seeds demo data into an empty database once', async () => {
    const demo = await startTestApp();
    try {
      expect(await seedDemoData(demo.app.orm.em.fork())).toBe(true);
      expect(await seedDemoData(demo.app.orm.em.fork())).toBe(false);
      const users = await demo.sql('select username from users order by id');
      expect(users.map((u) => u.username)).toEqual([...DEMO_USERNAMES]);
      const res = await demo.gql(
        '{ posts(first: 5) { totalCount nodes { commentCount comments(first: 5) { nodes { replies(first: 5) { totalCount } } } } } }',
      );
      expect(res.data?.posts.totalCount).toBeGreaterThan(0);
      expect(res.data?.posts.nodes.some((p: { commentCount: number }) => p.commentCount > 1)).toBe(true);
      const [{ count }] = (await demo.sql('select count(*)::int as count from follow')) as [
        { count: number },
      ];
      expect(count).toBeGreaterThan(0);
    } finally {
      await demo.stop();
    }
  });

  it('keeps an embedded database across restarts', { timeout: 120_000 }, async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'tombstone-embedded-'));
    try {
      const first = await openDatabase({ databaseUrl: undefined, dataDir, log: () => {} });
      expect(first.embedded).toBe(true);
      await query(first.url, 'create table kept (v text); insert into kept values ($1)', ['survives']);
      await first.stop();
      const second = await openDatabase({ databaseUrl: undefined, dataDir, log: () => {} });
      try {
        expect(await query(second.url, 'select v from kept')).toEqual([{ v: 'survives' }]);
      } finally {
        await second.stop();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe('shutdown', () => {
  it('stops serving and can be called twice', async () => {
    const app = await startTestApp();
    const url = app.app.url;
    await app.app.stop();
    await app.app.stop();
    await expect(fetch(url)).rejects.toThrow();
    await app.stop();
  });
});

async function query(url: string, text: string, params?: unknown[]) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    if (params) {
      const [ddl, dml] = text.split(';');
      await client.query(ddl as string);
      await client.query(dml as string, params);
      return [];
    }
    return (await client.query(text)).rows;
  } finally {
    await client.end();
  }
}
