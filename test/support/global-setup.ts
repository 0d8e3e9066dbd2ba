import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A URL with rights to create databases; each test file creates its own. */
    adminDatabaseUrl: string;
  }
}

/**
 * Bundles the pages (console, GraphiQL) the server serves, as `npm run build` does, so that the
 * tests that load them see the sources as they are now.
 */
async function buildPages(): Promise<void> {
  await promisify(execFile)(process.execPath, ['scripts/build-web.mjs'], {
    cwd: join(import.meta.dirname, '../..'),
  });
}

/**
 * Provides one PostgreSQL server for the whole run: the one at `DATABASE_URL` when set,
 * otherwise an embedded one in a temporary directory that is removed afterwards. Builds the pages
 * first.
 */
export default async function setup(project: TestProject) {
  await buildPages();
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
