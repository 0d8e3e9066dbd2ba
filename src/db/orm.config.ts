import { Migrator } from '@mikro-orm/migrations';
import { defineConfig, MikroORM, type Options } from '@mikro-orm/postgresql';
import { entities } from '../modules/entities.js';
import { AuditEvent } from '../soft-delete/index.js';
import { migrations } from './migrations/index.js';

/** What differs between the app, the tests and the tools that open the database. */
export interface OrmOverrides extends Partial<Options> {
  /** PostgreSQL connection URL, e.g. `postgres://user:pass@host:5432/db`. */
  clientUrl: string;
}

/**
 * The one MikroORM configuration the server, the tests and the scripts share.
 * Entities and migrations are listed explicitly (no folder globbing), so the compiled
 * server and the TypeScript tests load exactly the same set.
 */
export function ormConfig(overrides: OrmOverrides): Options {
  return defineConfig({
    entities: [...entities, AuditEvent],
    extensions: [Migrator],
    migrations: {
      migrationsList: migrations,
      transactional: true,
      allOrNothing: true,
      silent: true,
      snapshot: false,
    },
    // Every request forks its own entity manager; the global one is never used for requests.
    allowGlobalContext: false,
    // The application's timestamps are UTC instants.
    forceUtcTimezone: true,
    ...overrides,
  });
}

/**
 * Connects MikroORM to PostgreSQL and optionally brings the schema up to date.
 *
 * @example
 * const orm = await initORM({ clientUrl: process.env.DATABASE_URL! }, { migrate: true });
 */
export async function initORM(
  overrides: OrmOverrides,
  options: { migrate?: boolean } = {},
): Promise<MikroORM> {
  const orm = await MikroORM.init(ormConfig(overrides));
  if (options.migrate) await orm.migrator.up();
  return orm;
}
