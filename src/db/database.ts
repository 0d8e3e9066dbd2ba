import pg from 'pg';
import { startEmbeddedPostgres } from './embedded-postgres.js';

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
 * under `dataDir/pg` and makes sure its application database exists.
 */
export async function openDatabase(options: {
  databaseUrl: string | undefined;
  dataDir: string;
  log: (line: string) => void;
}): Promise<DatabaseHandle> {
  if (options.databaseUrl) return { url: options.databaseUrl, embedded: false, stop: async () => {} };
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

/** Drops database `name` on the server at `adminUrl`, closing its connections; missing is fine. */
export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
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
