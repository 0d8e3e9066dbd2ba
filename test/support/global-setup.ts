import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A URL with rights to create databases; each test file creates its own. */
    adminDatabaseUrl: string;
  }
}

/**
 * Provides one PostgreSQL server for the whole run: the one at `DATABASE_URL` when set,
 * otherwise an embedded one in a temporary directory that is removed afterwards.
 */
export default async function setup(project: TestProject) {
  if (process.env.DATABASE_URL) {
    project.provide('adminDatabaseUrl', process.env.DATABASE_URL);
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), 'tombstone-test-'));
  const server = await startEmbeddedPostgres({ dataDir: join(dir, 'pg'), persistent: false });
  project.provide('adminDatabaseUrl', server.url);
  return async () => {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  };
}
