import type { EntityManager } from '@mikro-orm/core';
import { AUDIT_TABLE } from './audit-log.js';
import { column, type RowSet, withRowsBeneath } from './batch.sql.js';
import { lockBatch } from './restore.sql.js';
import type { SoftDeleteModel } from './soft-delete.model.js';
import { quote, sqlRunner } from './sql-runner.js';
import type { TombstoneRow } from './tombstone.queries.js';

/** Which batch roots a retention purge takes. */
export interface ExpiredRootsFilter {
  /** Entities whose roots are taken; all soft-deletable ones when empty. */
  entities: readonly string[];
  /** Roots tombstoned strictly before this instant. */
  before: Date;
}

/**
 * Tombstoned batch roots deleted before the cutoff, one `select` per entity. A row is a root
 * unless the delete event of its batch names another row: rows a cascade tombstoned go with their
 * root, while a row without a batch (tombstoned outside the toolkit) or whose batch has no delete
 * event is a batch of its own, as `SoftDelete.purge` treats them.
 */
function unionOfExpiredRoots(model: SoftDeleteModel, filter: ExpiredRootsFilter) {
  const names = filter.entities.length > 0 ? filter.entities : [...model.entities.keys()];
  const params: unknown[] = [];
  const sql = names
    .map((name) => {
      const entity = model.require(name);
      const id = `t.${quote(entity.idColumn)}`;
      const deletedAt = `t.${column(entity, 'deletedAt')}`;
      params.push(name, filter.before, name);
      return (
        `select ?::text as entity, ${id} as id, ${deletedAt} as deleted_at from ${quote(entity.table)} t ` +
        `where ${deletedAt} < ? and not exists (select 1 from "${AUDIT_TABLE}" a ` +
        `where a."batch_id" = t.${column(entity, 'deleteBatch')} and a."action" = 'delete' ` +
        `and (a."entity_type" <> ? or a."entity_id" <> ${id}::text))`
      );
    })
    .join(' union all ');
  return { sql, params };
}

/**
 * Up to `limit` expired batch roots after `after`, oldest deletion first (then entity, then id):
 * a purge that walks them in this order takes a comment deleted on its own before the post that
 * was deleted later, and can resume after any of them.
 */
export async function expiredRoots(
  em: EntityManager,
  model: SoftDeleteModel,
  options: ExpiredRootsFilter & { after: TombstoneRow | null; limit: number },
): Promise<TombstoneRow[]> {
  const union = unionOfExpiredRoots(model, options);
  const params = [...union.params];
  let where = '';
  if (options.after) {
    where = 'where (deleted_at, entity, id) > (?, ?, ?)';
    params.push(options.after.deletedAt, options.after.entity, options.after.id);
  }
  const rows = await sqlRunner(em)<{ entity: string; id: number; deleted_at: string | Date }>(
    `select entity, id, deleted_at from (${union.sql}) roots ${where} order by deleted_at, entity, id limit ?`,
    [...params, options.limit],
  );
  return rows.map((row) => ({ entity: row.entity, id: Number(row.id), deletedAt: new Date(row.deleted_at) }));
}

/** How many expired batch roots each entity has (entities without any are left out). */
export async function countExpiredRoots(
  em: EntityManager,
  model: SoftDeleteModel,
  filter: ExpiredRootsFilter,
): Promise<Map<string, number>> {
  const union = unionOfExpiredRoots(model, filter);
  const rows = await sqlRunner(em)<{ entity: string; count: string | number }>(
    `select entity, count(*) as count from (${union.sql}) roots group by entity`,
    union.params,
  );
  return new Map(rows.map((row) => [row.entity, Number(row.count)]));
}

/**
 * What `SoftDelete.purge` of the root (`entityName`, `id`) would remove if it ran now: its batch
 * and every row beneath, read without locks (nothing changes, nothing waits). Empty for a row that
 * is gone or live.
 */
export async function purgePreview(
  em: EntityManager,
  model: SoftDeleteModel,
  entityName: string,
  id: unknown,
): Promise<RowSet> {
  const run = sqlRunner(em);
  const entity = model.require(entityName);
  const [row] = await run<{ deleted_at: unknown; delete_batch: string | null }>(
    `select ${column(entity, 'deletedAt')} as deleted_at, ${column(entity, 'deleteBatch')} as delete_batch ` +
      `from ${quote(entity.table)} where ${quote(entity.idColumn)} = ?`,
    [id],
  );
  if (!row || row.deleted_at == null) return new Map();
  const batch =
    row.delete_batch == null
      ? new Map([[entityName, [id]]])
      : await lockBatch(run, model, row.delete_batch, { lock: false });
  return withRowsBeneath(run, model, batch);
}
