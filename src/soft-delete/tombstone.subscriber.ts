import { randomUUID } from 'node:crypto';
import {
  ChangeSetType,
  type EventSubscriber,
  type FlushEventArgs,
  type TransactionEventArgs,
  type UnitOfWork,
  wrap,
} from '@mikro-orm/core';
import { appendAuditEvent } from './audit-log.js';
import { cascadeTombstones, refsOf } from './batch.sql.js';
import type { SoftDeleteModel } from './soft-delete.model.js';
import { sqlRunner } from './sql-runner.js';
import type { Tombstoned } from './tombstone.properties.js';

/** What one delete did: its batch and how many rows it tombstoned, the root included. */
export interface DeleteResult {
  batchId: string;
  /** Rows tombstoned: the root and its cascade. */
  count: number;
  /** Those rows, as `Entity:id`, root first. */
  refs: string[];
}

interface PendingDelete {
  entity: object;
  name: string;
  id: unknown;
  tombstone: Required<Tombstoned>;
}

/**
 * Turns `em.remove()` of a soft-deletable entity into a tombstone, so no code path can hard-delete
 * one by accident (purge is a separate, explicit operation).
 *
 * - `onFlush`: the DELETE becomes an UPDATE of the tombstone columns (a second remove of a
 *   tombstone is refused: that would be a hard delete). `deletedBy`,
 *   `deleteReason` and `deleteBatch` may be staged on the entity before `em.remove()` (the
 *   toolkit's `delete()` does); otherwise they stay null and a new batch id is drawn.
 * - `beforeTransactionCommit`: inside the flush's transaction (or the caller's, when the flush
 *   runs in `em.transactional()`), the delete cascades to the live rows below the root along the
 *   declared cascades, all in the root's batch, and one audit event records it. Rows already
 *   tombstoned keep their own batch.
 */
export class TombstoneSubscriber implements EventSubscriber {
  readonly #pending = new WeakMap<UnitOfWork, PendingDelete[]>();

  /**
   * @param model read lazily: the subscriber is registered before discovery builds it
   * @param results where each delete's result is left for the caller, keyed by the root entity
   */
  constructor(
    private readonly model: () => SoftDeleteModel,
    private readonly results: WeakMap<object, DeleteResult>,
  ) {}

  onFlush({ uow }: FlushEventArgs): void {
    const model = this.model();
    const at = new Date();
    for (const changeSet of uow.getChangeSets()) {
      if (changeSet.type !== ChangeSetType.DELETE && changeSet.type !== ChangeSetType.DELETE_EARLY) continue;
      const entity = model.get(changeSet.meta.className);
      if (!entity) continue;
      const row = changeSet.entity as Tombstoned;
      const id = wrap(changeSet.entity, true).getPrimaryKey();
      // Removing a tombstone again would be a silent hard delete of it and, through foreign
      // keys, of everything beneath it. Purge is the explicit, audited way to do that.
      if (row.deletedAt instanceof Date) {
        throw new Error(`${entity.name} ${id} is already deleted; purge it with SoftDelete.purge() instead.`);
      }
      row.deletedAt = at;
      row.deletedBy ??= null;
      row.deleteReason ??= null;
      row.deleteBatch ??= randomUUID();
      uow.computeChangeSet(changeSet.entity, ChangeSetType.UPDATE);
      const queue = this.#pending.get(uow) ?? [];
      this.#pending.set(uow, queue);
      queue.push({ entity: changeSet.entity, name: entity.name, id, tombstone: row as Required<Tombstoned> });
    }
  }

  async beforeTransactionCommit({ em, uow, transaction }: TransactionEventArgs): Promise<void> {
    const queue = uow && this.#pending.get(uow);
    if (!uow || !queue) return;
    this.#pending.delete(uow);
    const run = sqlRunner(em, transaction);
    const model = this.model();
    for (const deleted of queue) {
      const { deletedAt, deletedBy, deleteReason, deleteBatch } = deleted.tombstone;
      const roots = new Map([[deleted.name, [deleted.id]]]);
      const changed = await cascadeTombstones(run, model, roots, {
        deletedAt: deletedAt as Date,
        deletedBy,
        deleteReason,
        batchId: deleteBatch as string,
      });
      const refs = [...refsOf(roots), ...refsOf(changed)];
      await appendAuditEvent(run, {
        action: 'delete',
        entityType: deleted.name,
        entityId: String(deleted.id),
        actorId: deletedBy,
        reason: deleteReason,
        batchId: deleteBatch as string,
        refs,
        at: deletedAt as Date,
      });
      this.results.set(deleted.entity, { batchId: deleteBatch as string, count: refs.length, refs });
    }
  }

  afterTransactionRollback({ uow }: TransactionEventArgs): void {
    if (uow) this.#pending.delete(uow);
  }
}
