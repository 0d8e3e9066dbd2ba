import { randomUUID } from 'node:crypto';
import { column, push, type RowSet } from './batch.sql.js';
import { entityRanks, guardedEdges } from './invariant.sql.js';
import type { SoftDeleteModel } from './soft-delete.model.js';
import { inChunks, quote, type SqlRunner } from './sql-runner.js';

/** Rows of a batch that must stay tombstoned, each with the batch it moves to. */
export type BlockedRows = Map<string, Map<unknown, string>>;

/** The model's entity names, parents' entities first: the order restores write and lock in. */
export function parentsFirst(model: SoftDeleteModel): string[] {
  const ranks = entityRanks(model);
  return [...model.entities.keys()].sort((a, b) => (ranks.get(a) ?? 0) - (ranks.get(b) ?? 0));
}

/**
 * Every row of a batch, locked `FOR UPDATE`, parents' tables first. `lock: false` only reads
 * them, for a preview that must not hold up the server's writes.
 */
export async function lockBatch(
  run: SqlRunner,
  model: SoftDeleteModel,
  batchId: string,
  { lock = true }: { lock?: boolean } = {},
): Promise<RowSet> {
  const rows: RowSet = new Map();
  for (const name of parentsFirst(model)) {
    const entity = model.require(name);
    const found = await run<{ id: unknown }>(
      `select ${quote(entity.idColumn)} as id from ${quote(entity.table)} where ${column(entity, 'deleteBatch')} = ? ` +
        `order by ${quote(entity.idColumn)}${lock ? ' for update' : ''}`,
      [batchId],
    );
    for (const { id } of found) push(rows, name, id);
  }
  return rows;
}

/**
 * The rows of `batchId` that cannot come back because a guarded parent of theirs is tombstoned by
 * another batch (deleted on its own after this batch's delete), and the rows of the batch beneath
 * them. Each moves to the batch of the tombstone that hides it, so that restoring that parent
 * later brings it back, as it would have had this batch's delete never happened. The hiding
 * parents are locked `FOR SHARE`, so they cannot be restored or purged under the restore.
 */
export async function blockedRows(
  run: SqlRunner,
  model: SoftDeleteModel,
  batchId: string,
): Promise<BlockedRows> {
  const blocked: BlockedRows = new Map();
  const mark = (entity: string, id: unknown, target: string): boolean => {
    const rows = blocked.get(entity) ?? new Map<unknown, string>();
    blocked.set(entity, rows);
    if (rows.has(id)) return false;
    rows.set(id, target);
    return true;
  };
  let frontier: { entity: string; id: unknown; target: string }[] = [];
  for (const name of parentsFirst(model)) {
    const entity = model.require(name);
    for (const edge of guardedEdges(entity)) {
      const parent = model.require(edge.parent);
      // Each of the batch's rows probes its own parent by primary key. As a plain join the planner
      // may hash every tombstoned parent of the table instead (it did for users: 1,383 rows
      // hashed to restore one comment, 136 buffers against 7), so that a restore's cost would grow
      // with the trash rather than with the batch. `offset 0` keeps the lateral subquery from
      // being flattened back into that join.
      const rows = await run<{ id: unknown; parent_id: unknown; parent_batch: string | null }>(
        `select c.${quote(entity.idColumn)} as id, p.id as parent_id, p.batch as parent_batch ` +
          `from ${quote(entity.table)} c cross join lateral (` +
          `select t.${quote(parent.idColumn)} as id, t.${column(parent, 'deleteBatch')} as batch from ${quote(parent.table)} t ` +
          `where t.${quote(parent.idColumn)} = c.${quote(edge.column)} and t.${column(parent, 'deletedAt')} is not null ` +
          `and t.${column(parent, 'deleteBatch')} is distinct from ? offset 0) p ` +
          `where c.${column(entity, 'deleteBatch')} = ? for share of p`,
        [batchId, batchId],
      );
      for (const row of rows) {
        let target = row.parent_batch;
        if (target === null) {
          // A parent tombstoned outside the toolkit becomes a batch of its own to hold them; its
          // other blocked children join the same batch.
          const [assigned] = await run<{ batch: string }>(
            `update ${quote(parent.table)} set ${column(parent, 'deleteBatch')} = coalesce(${column(parent, 'deleteBatch')}, ?) ` +
              `where ${quote(parent.idColumn)} = ? returning ${column(parent, 'deleteBatch')} as batch`,
            [randomUUID(), row.parent_id],
          );
          target = assigned?.batch ?? randomUUID();
        }
        if (mark(name, row.id, target)) frontier.push({ entity: name, id: row.id, target });
      }
    }
  }
  // Rows of the batch beneath a blocked row are blocked too, and follow it.
  while (frontier.length > 0) {
    const next: typeof frontier = [];
    for (const { entity: parentName, id, target } of frontier) {
      for (const edge of model.require(parentName).children) {
        if (!(edge.required || edge.cascades)) continue;
        const child = model.require(edge.child);
        const rows = await run<{ id: unknown }>(
          `select ${quote(child.idColumn)} as id from ${quote(child.table)} ` +
            `where ${quote(edge.column)} = ? and ${column(child, 'deleteBatch')} = ?`,
          [id, batchId],
        );
        for (const row of rows)
          if (mark(child.name, row.id, target)) next.push({ entity: child.name, id: row.id, target });
      }
    }
    frontier = next;
  }
  return blocked;
}

/** Moves blocked rows to the batches that now hold them. */
export async function rehome(run: SqlRunner, model: SoftDeleteModel, blocked: BlockedRows): Promise<void> {
  for (const [name, rows] of blocked) {
    const entity = model.require(name);
    const byTarget = new Map<string, unknown[]>();
    for (const [id, target] of rows) byTarget.set(target, [...(byTarget.get(target) ?? []), id]);
    for (const [target, ids] of byTarget) {
      await inChunks(
        run,
        ids,
        `update ${quote(entity.table)} set ${column(entity, 'deleteBatch')} = ? where ${quote(entity.idColumn)} in (?)`,
        [target],
      );
    }
  }
}

/**
 * Clears the tombstones of a batch's rows, parents' tables first so that each table's rows find
 * their parents live when the invariant guards check them; returns the rows brought back.
 */
export async function clearBatch(run: SqlRunner, model: SoftDeleteModel, batchId: string): Promise<RowSet> {
  const restored: RowSet = new Map();
  for (const name of parentsFirst(model)) {
    const entity = model.require(name);
    const rows = await run<{ id: unknown }>(
      `update ${quote(entity.table)} set ${column(entity, 'deletedAt')} = null, ${column(entity, 'deletedBy')} = null, ` +
        `${column(entity, 'deleteReason')} = null, ${column(entity, 'deleteBatch')} = null ` +
        `where ${column(entity, 'deleteBatch')} = ? returning ${quote(entity.idColumn)} as id`,
      [batchId],
    );
    for (const { id } of rows) push(restored, name, id);
  }
  return restored;
}

/**
 * The first guarded parent of a locked row (its columns as {@link lockRow} read them) that is
 * tombstoned, locked `FOR SHARE` so that it stays as read until the transaction ends.
 */
export async function tombstonedParent(
  run: SqlRunner,
  model: SoftDeleteModel,
  entityName: string,
  row: Record<string, unknown>,
): Promise<{ entity: string; id: unknown } | undefined> {
  for (const edge of guardedEdges(model.require(entityName))) {
    const parentId = row[edge.column];
    if (parentId == null) continue;
    const parent = model.require(edge.parent);
    const [found] = await run<{ deleted: boolean }>(
      `select ${column(parent, 'deletedAt')} is not null as deleted from ${quote(parent.table)} ` +
        `where ${quote(parent.idColumn)} = ? for share`,
      [parentId],
    );
    if (found?.deleted) return { entity: edge.parent, id: parentId };
  }
  return undefined;
}
