import type { EntityManager } from '@mikro-orm/core';
import { AUDIT_TABLE } from './audit-log.js';
import { column } from './batch.sql.js';
import type { SoftDeleteModel } from './soft-delete.model.js';
import { quote, sqlRunner, textArrayLiteral } from './sql-runner.js';

/** One row of the trash: which entity, which row, when it was tombstoned. */
export interface TombstoneRow {
  entity: string;
  id: number;
  deletedAt: Date;
}

/** Where a trash page starts: strictly after this row, in `deletedAt` desc, entity desc, id desc order. */
export type TombstonePosition = TombstoneRow;

/** Which tombstones a trash query keeps. Every condition given must hold. */
export interface TombstoneFilter {
  /** Entity names; empty means every soft-deletable entity. */
  entities: readonly string[];
  /** Only rows whose `deletedBy` is this actor id. */
  deletedBy?: string | null;
  /** Only rows tombstoned at or after this instant. */
  deletedAfter?: Date | null;
  /** Only rows tombstoned strictly before this instant. */
  deletedBefore?: Date | null;
  /** Only the rows of this deletion batch. */
  batchId?: string | null;
}

/** The tombstones of every entity the filter names, as one `union all` and its parameters. */
function unionOfTombstones(
  model: SoftDeleteModel,
  filter: TombstoneFilter,
): { sql: string; params: unknown[] } {
  const names = filter.entities.length > 0 ? filter.entities : [...model.entities.keys()];
  const params: unknown[] = [];
  const branches = names.map((name) => {
    const entity = model.require(name);
    const deletedAt = column(entity, 'deletedAt');
    const conditions = [`${deletedAt} is not null`];
    const add = (condition: string, value: unknown) => {
      conditions.push(condition);
      params.push(value);
    };
    if (filter.deletedBy != null) add(`${column(entity, 'deletedBy')} = ?`, filter.deletedBy);
    if (filter.deletedAfter != null) add(`${deletedAt} >= ?`, filter.deletedAfter);
    if (filter.deletedBefore != null) add(`${deletedAt} < ?`, filter.deletedBefore);
    if (filter.batchId != null) add(`${column(entity, 'deleteBatch')} = ?`, filter.batchId);
    return (
      `select '${name}' as entity, ${quote(entity.idColumn)} as id, ${deletedAt} as deleted_at ` +
      `from ${quote(entity.table)} where ${conditions.join(' and ')}`
    );
  });
  return { sql: branches.join(' union all '), params };
}

/**
 * Tombstoned rows that pass the filter (of all soft-deletable entities when it names none), most
 * recently deleted first, across tables: Laravel's `onlyTrashed`, pg-omit-archived's `EXCLUSIVELY`.
 * Returns up to `limit` rows after `after`.
 */
export async function listTombstones(
  em: EntityManager,
  model: SoftDeleteModel,
  options: TombstoneFilter & { limit: number; after: TombstonePosition | null },
): Promise<TombstoneRow[]> {
  if (options.limit === 0 || model.entities.size === 0) return [];
  const union = unionOfTombstones(model, options);
  const params = [...union.params];
  let where = '';
  if (options.after) {
    where = 'where (deleted_at, entity, id) < (?, ?, ?)';
    params.push(options.after.deletedAt, options.after.entity, options.after.id);
  }
  const rows = await sqlRunner(em)<{ entity: string; id: number; deleted_at: string | Date }>(
    `select entity, id, deleted_at from (${union.sql}) tombstones ${where} ` +
      'order by deleted_at desc, entity desc, id desc limit ?',
    [...params, options.limit],
  );
  return rows.map((row) => ({ entity: row.entity, id: Number(row.id), deletedAt: new Date(row.deleted_at) }));
}

/** How many tombstones pass the filter (of all soft-deletable entities when it names none). */
export async function countTombstones(
  em: EntityManager,
  model: SoftDeleteModel,
  filter: TombstoneFilter,
): Promise<number> {
  if (model.entities.size === 0) return 0;
  const union = unionOfTombstones(model, filter);
  const [row] = await sqlRunner(em)<{ count: string | number }>(
    `select count(*) as count from (${union.sql}) tombstones`,
    union.params,
  );
  return Number(row?.count ?? 0);
}

/** The batches whose audit events cover a row (`Entity:id`), whether as root or through a cascade. */
export async function batchesCovering(em: EntityManager, ref: string): Promise<string[]> {
  const rows = await sqlRunner(em)<{ batch_id: string }>(
    `select distinct "batch_id" from "${AUDIT_TABLE}" where "entity_refs" @> ?::text[]`,
    [textArrayLiteral([ref])],
  );
  return rows.map((row) => row.batch_id);
}
