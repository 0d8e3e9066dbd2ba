import type { EntityManager } from '@mikro-orm/core';
import { AUDIT_TABLE } from './audit-log.js';
import { sizeOf, withRowsBeneath } from './batch.sql.js';
import { lockBatch } from './restore.sql.js';
import type { SoftDeleteModel } from './soft-delete.model.js';
import { quote, sqlRunner } from './sql-runner.js';

/** What the trash shows about a deletion batch. */
export interface BatchSummary {
  /** The row the batch's delete was addressed to, when the audit log knows it. */
  root: { entityType: string; entityId: string } | undefined;
  /** How many rows are tombstoned under the batch's id now. */
  size: number;
}

/**
 * Summaries of several batches at once: one grouped count over the soft-deletable tables and
 * one read of the audit log, whatever the number of batches. A batch no row holds any more
 * (restored or purged meanwhile) has size 0.
 */
export async function summarizeBatches(
  em: EntityManager,
  model: SoftDeleteModel,
  batchIds: readonly string[],
): Promise<Map<string, BatchSummary>> {
  const summaries = new Map<string, BatchSummary>(batchIds.map((id) => [id, { root: undefined, size: 0 }]));
  if (batchIds.length === 0 || model.entities.size === 0) return summaries;
  const run = sqlRunner(em);
  const counts = [...model.entities.values()].map((entity) => {
    const batch = quote(entity.meta.properties.deleteBatch?.fieldNames[0] as string);
    return `select ${batch}::text as batch_id from ${quote(entity.table)} where ${batch} = any(?::uuid[])`;
  });
  const ids = `{${batchIds.join(',')}}`;
  const sizes = await run<{ batch_id: string; size: string | number }>(
    `select batch_id, count(*) as size from (${counts.join(' union all ')}) rows group by batch_id`,
    counts.map(() => ids),
  );
  for (const row of sizes) {
    const summary = summaries.get(row.batch_id);
    if (summary) summary.size = Number(row.size);
  }
  // A batch's root is the row its delete event was addressed to (as `batchRoot` reads it).
  const roots = await run<{ batch_id: string; entity_type: string; entity_id: string }>(
    `select distinct on ("batch_id") "batch_id"::text as batch_id, "entity_type", "entity_id" from "${AUDIT_TABLE}" ` +
      `where "batch_id" = any(?::uuid[]) and "action" = 'delete' order by "batch_id", "id"`,
    [ids],
  );
  for (const row of roots) {
    const summary = summaries.get(row.batch_id);
    if (summary) summary.root = { entityType: row.entity_type, entityId: row.entity_id };
  }
  return summaries;
}

/**
 * How many rows purging the batch would remove now: the batch and every row beneath (see
 * `withRowsBeneath`), read without locks: a preview, not a promise.
 */
export async function purgeCount(
  em: EntityManager,
  model: SoftDeleteModel,
  batchId: string,
): Promise<number> {
  const run = sqlRunner(em);
  return sizeOf(await withRowsBeneath(run, model, await lockBatch(run, model, batchId, { lock: false })));
}
