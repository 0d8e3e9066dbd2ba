import type { RetentionTally } from './purge.run.js';

/** What a run was asked for, as its report names it. */
export interface RetentionRequest {
  /** `--older-than` as written. */
  olderThan: string;
  before: Date;
  dryRun: boolean;
  /** Every soft-deletable entity, in the order the report lists them. */
  entities: readonly string[];
}

/**
 * The one line a run ends with, e.g. `Purged 3 batch roots deleted before 2026-… (older than 30d):
 * 14 rows (User 1, Post 3, Comment 10).` An interrupted run says so and that a rerun continues.
 */
export function summaryLine(tally: RetentionTally, request: RetentionRequest): string {
  const roots = sum(tally.roots);
  const verb = request.dryRun ? 'Would purge' : 'Purged';
  const of = tally.interrupted ? ` of ${tally.total}` : '';
  const rows = sum(tally.rows);
  const byType = request.entities
    .filter((entity) => tally.rows.has(entity))
    .map((entity) => `${entity} ${tally.rows.get(entity)}`)
    .join(', ');
  let line =
    `${verb} ${roots}${of} batch ${roots === 1 && !of ? 'root' : 'roots'} deleted before ` +
    `${request.before.toISOString()} (older than ${request.olderThan}): ${rows} ${rows === 1 ? 'row' : 'rows'}` +
    `${byType ? ` (${byType})` : ''}.`;
  if (tally.skipped > 0) line += ` Skipped ${tally.skipped} that changed meanwhile; a rerun retries them.`;
  if (tally.interrupted) line = `Interrupted. ${line} Run the same command again to continue.`;
  return line;
}

/** A dry run's counts per type: batch roots of the type, and rows of the type that would go. */
export function countsTable(tally: RetentionTally, request: RetentionRequest): string {
  const lines = [['type', 'roots', 'rows']];
  for (const entity of request.entities) {
    if (!tally.roots.has(entity) && !tally.rows.has(entity)) continue;
    lines.push([entity, String(tally.roots.get(entity) ?? 0), String(tally.rows.get(entity) ?? 0)]);
  }
  lines.push(['total', String(sum(tally.roots)), String(sum(tally.rows))]);
  return lines
    .map(([type, roots, rows]) => `  ${type?.padEnd(10)}${roots?.padStart(8)}${rows?.padStart(10)}`)
    .join('\n');
}

function sum(counts: Map<string, number>): number {
  let total = 0;
  for (const n of counts.values()) total += n;
  return total;
}
