import pg from 'pg';
import { runningEmbeddedPostgres, startEmbeddedPostgres } from './embedded-postgres.js';

/** A PostgreSQL database the app can use, and how to let go of it. */
export interface DatabaseHandle {
  /** Connection URL of the application database. */
  url: string;
  /** True when this process started the server (and so must stop it). */
  embedded: boolean;
  /** Stops the embedded server, if any. */
  stop(): Promise<void>;
}

/** The application database's name inside an embedded cluster. */
const EMBEDDED_DATABASE = 'tombstone';

/**
 * Uses `databaseUrl` when given; otherwise starts (or reuses the files of) an embedded PostgreSQL
 * under `dataDir/pg` and makes sure its application database exists. With `shareRunning`, an
 * embedded PostgreSQL that another process (the server) runs there is used as it is, and left
 * running: command-line tools work next to the server.
 */
export async function openDatabase(options: {
  databaseUrl: string | undefined;
  dataDir: string;
  log: (line: string) => void;
  shareRunning?: boolean;
}): Promise<DatabaseHandle> {
  if (options.databaseUrl) return { url: options.databaseUrl, embedded: false, stop: async () => {} };
  const running = options.shareRunning ? await runningEmbeddedPostgres(`${options.dataDir}/pg`) : undefined;
  if (running) {
    await createDatabaseIfMissing(running, EMBEDDED_DATABASE);
    options.log(`Using the embedded PostgreSQL already running (data in ${options.dataDir}/pg).`);
    return { url: withDatabase(running, EMBEDDED_DATABASE), embedded: false, stop: async () => {} };
  }
  const server = await startEmbeddedPostgres({ dataDir: `${options.dataDir}/pg` });
  try {
    await createDatabaseIfMissing(server.url, EMBEDDED_DATABASE);
  } catch (error) {
    await server.stop();
    throw error;
  }
  options.log(`Embedded PostgreSQL started (data in ${options.dataDir}/pg).`);
  return { url: withDatabase(server.url, EMBEDDED_DATABASE), embedded: true, stop: () => server.stop() };
}

/** Creates database `name` on the server at `adminUrl` unless it exists. */
export async function createDatabaseIfMissing(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`create database ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
}

/**
 * Drops database `name` on the server at `adminUrl`; missing is fine. Connections still closing
 * (a pool's `end()` resolves before its sockets are gone) get up to two seconds to go on their
 * own first: terminating them would raise an error in their client that nobody listens to.
 */
export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    for (let waited = 0; waited < 2_000; waited += 50) {
      const { rows } = await client.query(
        'select count(*)::int as n from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
        [name],
      );
      if (rows[0]?.n === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await client.query(`drop database if exists ${client.escapeIdentifier(name)} with (force)`);
  } finally {
    await client.end();
  }
}

/** The same server URL, pointing at another database. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}
