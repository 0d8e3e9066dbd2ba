import type { ParentEdge, SoftDeletableEntity, SoftDeleteModel } from './soft-delete.model.js';
import { inChunks, quote, type SqlRunner } from './sql-runner.js';

/** Primary keys grouped by entity name. */
export type RowSet = Map<string, unknown[]>;

/** A row that a delete, restore or purge touched, as `Entity:id` (the audit log's form). */
export function refsOf(rows: RowSet): string[] {
  return [...rows].flatMap(([entity, ids]) => ids.map((id) => `${entity}:${id}`));
}

/** How many rows a row set holds. */
export function sizeOf(rows: RowSet): number {
  let size = 0;
  for (const ids of rows.values()) size += ids.length;
  return size;
}

/**
 * Walks down from `roots` along the edges `follow` accepts, whatever the rows' tombstones (a
 * live row may sit beneath a tombstoned one), and returns every row reached, roots excluded.
 * One query per edge per level.
 */
export async function collectDescendants(
  run: SqlRunner,
  model: SoftDeleteModel,
  roots: RowSet,
  follow: (edge: ParentEdge) => boolean,
): Promise<RowSet> {
  const seen = new Map<string, Set<unknown>>();
  for (const [entity, ids] of roots) seen.set(entity, new Set(ids));
  const found: RowSet = new Map();
  let frontier = roots;
  while (frontier.size > 0) {
    const next: RowSet = new Map();
    for (const [entityName, ids] of frontier) {
      for (const edge of model.require(entityName).children.filter(follow)) {
        const child = model.require(edge.child);
        const rows = await inChunks<{ id: unknown }>(
          run,
          ids,
          `select ${quote(child.idColumn)} as id from ${quote(child.table)} where ${quote(edge.column)} in (?)`,
        );
        const known = seen.get(child.name) ?? new Set();
        seen.set(child.name, known);
        for (const { id } of rows) {
          if (known.has(id)) continue;
          known.add(id);
          push(next, child.name, id);
          push(found, child.name, id);
        }
      }
    }
    frontier = next;
  }
  return found;
}

/**
 * What a purge of `batch` removes: the batch and every row beneath its rows along cascading or
 * required relations, whatever their tombstones (rows deleted earlier on their own could never
 * come back without their parent).
 */
export async function withRowsBeneath(
  run: SqlRunner,
  model: SoftDeleteModel,
  batch: RowSet,
): Promise<RowSet> {
  const below = await collectDescendants(run, model, batch, (edge) => edge.cascades || edge.required);
  const rows: RowSet = new Map([...batch].map(([entity, ids]) => [entity, [...ids]]));
  for (const [entity, ids] of below) rows.set(entity, [...(rows.get(entity) ?? []), ...ids]);
  return rows;
}

/** The tombstone a delete writes. */
export interface TombstoneValues {
  deletedAt: Date;
  deletedBy: string | null;
  deleteReason: string | null;
  batchId: string;
}

/**
 * Tombstones every live row below `roots` along the cascading relations, level by level, and
 * returns the rows it changed. Each level is one `UPDATE … WHERE parent in (…) AND live RETURNING`
 * per relation, run after the level above is locked: a child committed by a writer that held its
 * parent `FOR SHARE` is seen by the next level's statement (under READ COMMITTED each statement
 * reads what committed before it started), so no row is missed by collecting first and locking
 * later. Rows already tombstoned keep their own batch, and nothing live lies beneath them (the
 * database's invariant guards see to that).
 */
export async function cascadeTombstones(
  run: SqlRunner,
  model: SoftDeleteModel,
  roots: RowSet,
  values: TombstoneValues,
): Promise<RowSet> {
  const changed: RowSet = new Map();
  let frontier = roots;
  while (frontier.size > 0) {
    const next: RowSet = new Map();
    for (const [entityName, ids] of frontier) {
      for (const edge of model.require(entityName).children.filter((e) => e.cascades)) {
        const child = model.require(edge.child);
        const updated = await inChunks<{ id: unknown }>(
          run,
          ids,
          `update ${quote(child.table)} set ${column(child, 'deletedAt')} = ?, ${column(child, 'deletedBy')} = ?, ` +
            `${column(child, 'deleteReason')} = ?, ${column(child, 'deleteBatch')} = ? ` +
            `where ${quote(edge.column)} in (?) and ${column(child, 'deletedAt')} is null ` +
            `returning ${quote(child.idColumn)} as id`,
          [values.deletedAt, values.deletedBy, values.deleteReason, values.batchId],
        );
        for (const { id } of updated) {
          push(next, child.name, id);
          push(changed, child.name, id);
        }
      }
    }
    frontier = next;
  }
  return changed;
}

/**
 * Hard-deletes `rows`, children before parents, so that the count does not depend on foreign
 * keys cascading behind the toolkit's back.
 */
export async function deleteRows(run: SqlRunner, model: SoftDeleteModel, rows: RowSet): Promise<void> {
  for (const entityName of childrenFirst(model, [...rows.keys()])) {
    const entity = model.require(entityName);
    await inChunks(
      run,
      rows.get(entityName) ?? [],
      `delete from ${quote(entity.table)} where ${quote(entity.idColumn)} in (?)`,
    );
  }
}

/** Reads one row's tombstone and the foreign keys to its parents, locking it for the transaction. */
export async function lockRow(
  run: SqlRunner,
  entity: SoftDeletableEntity,
  id: unknown,
): Promise<Record<string, unknown> | undefined> {
  const parentColumns = entity.parents.map((edge) => `, ${quote(edge.column)}`).join('');
  const [row] = await run<Record<string, unknown>>(
    `select ${column(entity, 'deletedAt')} as deleted_at, ${column(entity, 'deletedBy')} as deleted_by, ` +
      `${column(entity, 'deleteBatch')} as delete_batch${parentColumns} ` +
      `from ${quote(entity.table)} where ${quote(entity.idColumn)} = ? for update`,
    [id],
  );
  return row;
}

/** Puts a row tombstoned outside the toolkit into a batch of its own. */
export async function assignBatch(
  run: SqlRunner,
  entity: SoftDeletableEntity,
  id: unknown,
  batchId: string,
): Promise<void> {
  await run(
    `update ${quote(entity.table)} set ${column(entity, 'deleteBatch')} = ? where ${quote(entity.idColumn)} = ?`,
    [batchId, id],
  );
}

/** The quoted column of a tombstone property. */
export function column(entity: SoftDeletableEntity, property: string): string {
  return quote(entity.meta.properties[property]?.fieldNames[0] as string);
}

function childrenFirst(model: SoftDeleteModel, names: string[]): string[] {
  const ordered: string[] = [];
  const visit = (name: string, path: Set<string>) => {
    if (ordered.includes(name) || path.has(name)) return;
    path.add(name);
    for (const edge of model.require(name).children) if (edge.child !== name) visit(edge.child, path);
    path.delete(name);
    ordered.push(name);
  };
  for (const name of names) visit(name, new Set());
  return ordered.filter((name) => names.includes(name));
}

/** Adds one row to a row set. */
export function push(rows: RowSet, entity: string, id: unknown): void {
  const ids = rows.get(entity);
  if (ids) ids.push(id);
  else rows.set(entity, [id]);
}
