import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { type App, startApp } from '../../src/app.js';
import { signToken } from '../../src/auth/token.service.js';
import { type AppConfig, loadConfig } from '../../src/config.js';
import { createDatabaseIfMissing, dropDatabase, withDatabase } from '../../src/db/database.js';
import { toGlobalId } from '../../src/graphql/global-id.js';

/** The HS256 secret test servers use. */
export const TEST_SECRET = 'tombstone-test-secret-0123456789abcdef';

/** A GraphQL response as the client receives it. */
export interface GqlResponse<TData = Record<string, any>> {
  status: number;
  data?: TData | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, any> }[];
}

/** Who sends a request: anonymous, a user's id (optionally with scopes), or a raw header. */
export type As = { userId: number; scopes?: string[] } | { authorization: string } | undefined;

/** A server started on its own fresh database for one test file. */
export interface TestApp {
  app: App;
  /** The test database's URL (for direct SQL in assertions). */
  databaseUrl: string;
  /** Sends a GraphQL operation over HTTP. */
  gql<TData = Record<string, any>>(
    query: string,
    variables?: Record<string, unknown>,
    as?: As,
  ): Promise<GqlResponse<TData>>;
  /** Sends a GraphQL operation over HTTP and returns the response body as sent, unparsed. */
  raw(query: string, variables?: Record<string, unknown>, as?: As): Promise<{ status: number; body: string }>;
  /** Runs SQL against the test database, outside the app. */
  sql<T extends pg.QueryResultRow = Record<string, any>>(text: string, params?: unknown[]): Promise<T[]>;
  /** Stops the server and drops its database. */
  stop(): Promise<void>;
}

/** Signs a token for a user id, as the identity provider would. */
export function tokenFor(userId: number, scopes: string[] = [], ttl = '1h'): Promise<string> {
  return signToken({ secret: TEST_SECRET }, { sub: toGlobalId('User', userId), scopes, ttl });
}

/**
 * Creates a uniquely named database on the run's PostgreSQL server, migrates it and starts the
 * real server on a free port against it. No demo data unless asked.
 */
export async function startTestApp(
  overrides: Partial<AppConfig> = {},
  options: { onQuery?: (line: string) => void; log?: (line: string) => void } = {},
): Promise<TestApp> {
  const adminUrl = inject('adminDatabaseUrl');
  const name = `tombstone_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  await createDatabaseIfMissing(adminUrl, name);
  const databaseUrl = withDatabase(adminUrl, name);
  // Every document is compiled on first sight, so the suite runs the code production runs hot.
  const base = loadConfig({
    NODE_ENV: 'test',
    JWT_SECRET: TEST_SECRET,
    PORT: '0',
    SEED_DEMO_DATA: 'false',
    GRAPHQL_COMPILE_AFTER: '1',
  });
  const app = await startApp({ ...base, databaseUrl, ...overrides }, options.log ?? (() => {}), {
    onQuery: options.onQuery,
  });
  return client(app, databaseUrl, async () => {
    await app.stop();
    await dropDatabase(adminUrl, name);
  });
}

/**
 * Starts a second server on `t`'s database, configured as `t`'s was except for `overrides`, to
 * compare two configurations on the same rows. Stopping it leaves the database to `t`.
 */
export async function startTwinApp(t: TestApp, overrides: Partial<AppConfig>): Promise<TestApp> {
  const app = await startApp({ ...t.app.config, ...overrides, port: 0 }, () => {});
  return client(app, t.databaseUrl, () => app.stop());
}

function client(app: App, databaseUrl: string, stop: () => Promise<void>): TestApp {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  // `pool.end()` resolves before its connections have closed, so `drop database … with (force)`
  // below can terminate one that is still closing; its 'error' event would then go unheard and
  // crash the run. Queries still reject on their own: this only silences teardown.
  pool.on('connect', (client) => client.on('error', () => {}));

  const raw: TestApp['raw'] = async (query, variables, as) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (as && 'authorization' in as) headers.authorization = as.authorization;
    else if (as) headers.authorization = `Bearer ${await tokenFor(as.userId, as.scopes)}`;
    const response = await fetch(app.url, {
      method: 'POST',
      headers,
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, body: await response.text() };
  };
  return {
    app,
    databaseUrl,
    raw,
    async gql(query, variables, as) {
      const { status, body } = await raw(query, variables, as);
      return { status, ...(JSON.parse(body) as object) };
    },
    async sql(text, params) {
      return (await pool.query(text, params as unknown[])).rows;
    },
    async stop() {
      await pool.end();
      await stop();
    },
  };
}

/** The `extensions.code` of every error, in order. */
export function codes(response: GqlResponse): string[] {
  return (response.errors ?? []).map((error) => error.extensions?.code);
}
