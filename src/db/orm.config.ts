import { Migrator } from '@mikro-orm/migrations';
import { defineConfig, MikroORM, type Options } from '@mikro-orm/postgresql';
import pg from 'pg';
import { entities } from '../modules/entities.js';
import { AuditEvent, preparedStatementName } from '../soft-delete/index.js';
import { migrations } from './migrations/index.js';
import { type CancellableConnection, cancelOnAbort } from './statement-cancel.js';
import { connectionTypeParsers } from './timestamp.parser.js';

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
  const { driverOptions, ...rest } = overrides;
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
    ...rest,
    // Sessions run in UTC, whatever the server's TimeZone, so that timestamps come in the one
    // form the parser of our own reads (see timestamp.parser.ts); every column is timestamptz.
    driverOptions: {
      types: connectionTypeParsers(),
      options: '-c TimeZone=UTC',
      ...(driverOptions as object | undefined),
    },
  });
}

/**
 * Pool options that keep one request from holding the database: at most `poolSize` connections,
 * and PostgreSQL stops any statement running longer than `statementTimeoutMs` (set as a startup
 * parameter of every pooled connection, so no statement escapes it; 0 turns it off). A stopped
 * statement fails its query with SQLSTATE 57014, and a transaction it belonged to rolls back.
 * A connection idle for `idleTimeoutMs` is closed (0: kept; unset: `pg`'s 10 s).
 */
export function connectionLimits(limits: {
  poolSize: number;
  statementTimeoutMs: number;
  idleTimeoutMs?: number;
}): Partial<Options> {
  return {
    pool: {
      max: limits.poolSize,
      ...(limits.idleTimeoutMs === undefined ? {} : { idleTimeoutMillis: limits.idleTimeoutMs }),
    },
    driverOptions: {
      Client: ListenedClient,
      ...(limits.statementTimeoutMs > 0 ? { statement_timeout: limits.statementTimeoutMs } : {}),
    },
  };
}

/**
 * `pg`'s client, always listening for `'error'`, naming the read path's prepared statements, and
 * cancelling a statement whose request is abandoned.
 *
 * A connection PostgreSQL drops (a shutdown after the grace period) reports an `'error'`; unheard,
 * it would crash the process. The statement it ran has its own outcome; there is nothing else to do.
 *
 * Kysely passes a statement's text and parameters, never a name; a text the read path prepares
 * (see `preparedStatements`) gets its name here, so that each connection parses it once.
 *
 * A statement sent for a request that then aborts is cancelled with PostgreSQL's CancelRequest
 * (see `cancelOnAbort`); requests run with Kysely's `ignore query`, which opens nothing.
 */
class ListenedClient extends pg.Client {
  constructor(config?: string | pg.ClientConfig) {
    super(config);
    this.on('error', () => {});
  }

  // biome-ignore lint/suspicious/noExplicitAny: pg's overloads, passed through as they are
  override query(config: any, values?: any, callback?: any): any {
    const name =
      typeof config === 'string' && Array.isArray(values) ? preparedStatementName(config) : undefined;
    const running = name
      ? super.query({ name, text: config, values }, callback)
      : super.query(config, values, callback);
    // `host`, `port`, `processID` and `secretKey` are the client's own, set when it connected.
    return cancelOnAbort(this as unknown as CancellableConnection, running);
  }
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
