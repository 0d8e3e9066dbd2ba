import type { EntityManager } from '@mikro-orm/core';
import { AUDIT_TABLE } from './audit-log.js';
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

function unionOfTombstones(model: SoftDeleteModel, entities: readonly string[]): string {
  return entities
    .map((name) => {
      const entity = model.require(name);
      const deletedAt = quote(entity.meta.properties.deletedAt?.fieldNames[0] as string);
      return (
        `select '${name}' as entity, ${quote(entity.idColumn)} as id, ${deletedAt} as deleted_at ` +
        `from ${quote(entity.table)} where ${deletedAt} is not null`
      );
    })
    .join(' union all ');
}

/**
 * Tombstoned rows of the given entities (all soft-deletable ones when empty), most recently
 * deleted first, across tables: Laravel's `onlyTrashed`, pg-omit-archived's `EXCLUSIVELY`.
 * Returns up to `limit` rows after `after`.
 */
export async function listTombstones(
  em: EntityManager,
  model: SoftDeleteModel,
  options: { entities: readonly string[]; limit: number; after: TombstonePosition | null },
): Promise<TombstoneRow[]> {
  const entities = options.entities.length > 0 ? options.entities : [...model.entities.keys()];
  if (options.limit === 0 || entities.length === 0) return [];
  const params: unknown[] = [];
  let where = '';
  if (options.after) {
    where = 'where (deleted_at, entity, id) < (?, ?, ?)';
    params.push(options.after.deletedAt, options.after.entity, options.after.id);
  }
  const rows = await sqlRunner(em)<{ entity: string; id: number; deleted_at: string | Date }>(
    `select entity, id, deleted_at from (${unionOfTombstones(model, entities)}) tombstones ${where} ` +
      'order by deleted_at desc, entity desc, id desc limit ?',
    [...params, options.limit],
  );
  return rows.map((row) => ({ entity: row.entity, id: Number(row.id), deletedAt: new Date(row.deleted_at) }));
}

/** How many tombstones the given entities have (all soft-deletable ones when empty). */
export async function countTombstones(
  em: EntityManager,
  model: SoftDeleteModel,
  entities: readonly string[],
): Promise<number> {
  const names = entities.length > 0 ? entities : [...model.entities.keys()];
  const [row] = await sqlRunner(em)<{ count: string | number }>(
    `select count(*) as count from (${unionOfTombstones(model, names)}) tombstones`,
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
