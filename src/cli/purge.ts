import type { MikroORM } from '@mikro-orm/postgresql';
import { type DatabaseHandle, openDatabase } from '../db/database.js';
import { connectionLimits, initORM } from '../db/orm.config.js';
import { toGlobalId } from '../graphql/global-id.js';
import { buildSchema } from '../schema.js';
import { softDeleteCascades, type TombstoneRow } from '../soft-delete/index.js';
import { createSoftDelete } from '../soft-delete.setup.js';
import { Progress } from './progress.js';
import { PURGE_USAGE, parsePurgeArgs, UsageError } from './purge.args.js';
import { countsTable, type RetentionRequest, summaryLine } from './purge.report.js';
import { runRetention } from './purge.run.js';

/**
 * `npm run purge -- --older-than 30d [--type Post] [--dry-run]`: the retention purge (see
 * `runRetention` and `PURGE_USAGE`). Progress goes to stderr, the summary to stdout. Exit codes:
 * 0 done, 1 failed, 2 bad arguments, 130 interrupted (a rerun continues).
 */
const EXIT_INTERRUPTED = 130;

// Signals first: a Ctrl-C while the database opens must still stop cleanly. The first one stops
// the run between two transactions; a second one, a second later or more (a terminal may send
// one to npm and one to us at once), exits at once, and the open transaction rolls back.
let stopRequestedAt: number | undefined;
const onSignal = (signal: NodeJS.Signals) => {
  if (stopRequestedAt === undefined) {
    stopRequestedAt = Date.now();
    process.stderr.write(`\n${signal}: stopping after the current batch (send it again to stop at once).\n`);
  } else if (Date.now() - stopRequestedAt > 1_000) {
    process.exit(EXIT_INTERRUPTED);
  }
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

const schema = buildSchema();
const softDelete = createSoftDelete(schema);
// The soft-deletable entities, known from the schema before the database is opened.
const entities = [...softDeleteCascades(schema).keys()];
let args: ReturnType<typeof parsePurgeArgs>;
try {
  args = parsePurgeArgs(process.argv.slice(2), entities);
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  process.stderr.write(`${error.message}\n\n${PURGE_USAGE}\n`);
  process.exit(2);
}
if (args.help) {
  process.stdout.write(`${PURGE_USAGE}\n`);
  process.exit(0);
}

const request: RetentionRequest = {
  olderThan: args.olderThan,
  before: new Date(Date.now() - args.olderThanSeconds * 1_000),
  dryRun: args.dryRun,
  entities,
};
let database: DatabaseHandle | undefined;
let orm: MikroORM | undefined;
try {
  // The same variables as the server; the rest of its configuration (tokens, limits) is not ours.
  database = await openDatabase({
    databaseUrl: process.env.DATABASE_URL || undefined,
    dataDir: process.env.DATA_DIR || '.data',
    log: (line) => process.stderr.write(`${line}\n`),
    shareRunning: true,
  });
  // No statement timeout: one large batch may take longer than a request may, and it holds
  // locks on that batch only.
  orm = await initORM({
    clientUrl: database.url,
    ...connectionLimits({ poolSize: 2, statementTimeoutMs: 0 }),
    ...softDelete.ormOptions(),
  });
  const pending = await orm.migrator.getPending();
  if (pending.length > 0) {
    throw new Error(
      `The database is missing ${pending.length} migration(s); start the server once (it migrates) and run this again.`,
    );
  }
  process.exitCode = await purge(orm);
} catch (error) {
  process.stderr.write(`purge failed: ${(error as Error).message}\n`);
  process.exitCode = 1;
} finally {
  await orm?.close();
  await database?.stop();
}

async function purge(ready: MikroORM): Promise<number> {
  let progress: Progress | undefined;
  const listed: string[] = [];
  const tally = await runRetention({
    em: ready.em,
    softDelete,
    filter: { entities: args.types, before: request.before },
    dryRun: args.dryRun,
    stopRequested: () => stopRequestedAt !== undefined,
    onStart: (total) => {
      progress = new Progress(args.dryRun ? 'reading' : 'purging', total);
    },
    onRoot: (root, refs, current) => {
      progress?.update(current.done, `batch roots, ${current.rowCount} rows`);
      if (args.dryRun && refs) listed.push(describe(root, refs.length));
    },
  });
  progress?.end();
  if (args.dryRun) {
    for (const line of listed) process.stdout.write(`${line}\n`);
    process.stdout.write(`${countsTable(tally, request)}\n`);
  }
  process.stdout.write(`${summaryLine(tally, request)}\n`);
  return tally.interrupted ? EXIT_INTERRUPTED : 0;
}

/** One root of a dry run: `Post UG9zdDox deleted 2026-… (12 rows)`. */
function describe(root: TombstoneRow, rows: number): string {
  return `${root.entity} ${toGlobalId(root.entity, root.id)} deleted ${root.deletedAt.toISOString()} (${rows} ${rows === 1 ? 'row' : 'rows'})`;
}
