import { randomUUID } from 'node:crypto';
import type { EntityManager, MetadataStorage, Options } from '@mikro-orm/core';
import { wrap } from '@mikro-orm/core';
import { appendAuditEvent, batchRoot } from './audit-log.js';
import { assignBatch, deleteRows, lockRow, type RowSet, refsOf, withRowsBeneath } from './batch.sql.js';
import { installInvariantGuards } from './invariant.sql.js';
import { blockedRows, clearBatch, lockBatch, rehome, tombstonedParent } from './restore.sql.js';
import { SoftDeleteError } from './soft-delete.errors.js';
import {
  installSoftDeleteFilter,
  SOFT_DELETE_FILTER,
  type SoftDeleteFilterParams,
} from './soft-delete.filter.js';
import { type CascadeCoordinate, SoftDeleteModel } from './soft-delete.model.js';
import { type SqlRunner, sqlRunner } from './sql-runner.js';
import type { Tombstoned } from './tombstone.properties.js';
import { type DeleteResult, TombstoneSubscriber } from './tombstone.subscriber.js';

/** How the toolkit names a row to clients: a label for messages and the id to act on. */
export type RowDescriber = (entity: string, id: unknown) => { label: string; id: string };

/** Options of {@link SoftDelete}. */
export interface SoftDeleteOptions {
  /** Per soft-deletable entity, the `Child.relation` coordinates its deletes cascade along. */
  cascades: ReadonlyMap<string, readonly CascadeCoordinate[]>;
  /** @default `Post 12` / `12` */
  describe?: RowDescriber;
  /** @default 'softDelete' */
  filterName?: string;
  /**
   * Benchmarking only: `false` leaves the filter installed but empty, to measure what it costs on
   * a database without tombstones. Never turn it off where tombstones exist.
   * @default true
   */
  filtersEnabled?: boolean;
}

/** What a restore or a purge did. */
export interface BatchResult {
  batchId: string;
  /** Rows restored or purged. */
  count: number;
  /** Those rows, as `Entity:id`, the root first. */
  refs: string[];
  /**
   * Restore only: rows of the batch that stay deleted because a parent of theirs was deleted on
   * its own since; they moved to that parent's batch.
   */
  kept?: string[];
}

/** Who acts, and for restore, whether they may touch the row. */
export interface ActorOptions {
  /** The acting user's id; null for an actor that is not a user. */
  actor: string | null;
  /** Names an actor that is not a user in the audit log, e.g. `cli:purge`. */
  actorLabel?: string | null;
  /** Called with the row's tombstone; `false` answers NOT_FOUND, as for an unknown row. */
  authorize?: (row: { deletedBy: string | null }) => boolean;
}

/**
 * The ORM half of the soft-delete toolkit for one MikroORM instance: the filter that hides
 * tombstones, the subscriber that turns removes into tombstones, and restore and purge by batch.
 *
 * @example
 * const softDelete = new SoftDelete({ cascades: softDeleteCascades(schema) });
 * const orm = await MikroORM.init({ ...config, ...softDelete.ormOptions() });
 * await softDelete.delete(em, post, { actor: viewerId, reason: 'spam' });
 */
export class SoftDelete {
  readonly filterName: string;
  readonly #options: SoftDeleteOptions;
  readonly #results = new WeakMap<object, DeleteResult>();
  #model: SoftDeleteModel | undefined;
  #metadata: MetadataStorage | undefined;

  constructor(options: SoftDeleteOptions) {
    this.#options = options;
    this.filterName = options.filterName ?? SOFT_DELETE_FILTER;
  }

  /** The model built at discovery. @throws before the ORM has discovered its entities */
  get model(): SoftDeleteModel {
    if (!this.#model)
      throw new Error('The soft-delete model exists once MikroORM has discovered its entities.');
    return this.#model;
  }

  /** MikroORM's discovered metadata. @throws before discovery */
  get metadata(): MetadataStorage {
    if (!this.#metadata) throw new Error('MikroORM has not discovered its entities yet.');
    return this.#metadata;
  }

  /**
   * MikroORM options to spread into the configuration: a discovery hook that builds the model and
   * installs the filter, the tombstone subscriber, and no automatic joins for relation filters
   * (the filter states the required-parent rule itself, transitively).
   */
  ormOptions(): Pick<Options, 'discovery' | 'subscribers' | 'autoJoinRefsForFilters'> {
    return {
      discovery: {
        afterDiscovered: (storage: MetadataStorage) => {
          const model = new SoftDeleteModel(storage, this.#options.cascades);
          model.assertValid();
          installSoftDeleteFilter(model, storage, this.filterName, this.#options.filtersEnabled ?? true);
          this.#model = model;
          this.#metadata = storage;
        },
      },
      subscribers: [new TombstoneSubscriber(() => this.model, this.#results)],
      autoJoinRefsForFilters: false,
    };
  }

  /**
   * Makes the database keep the visibility invariant (see `invariantGuardsSql`): installs, or
   * replaces, the triggers generated from the model, in one transaction. Call it once at startup,
   * after migrations.
   * @throws Error when existing data already breaks the invariant, listing the rows
   */
  async installDatabaseGuards(em: EntityManager): Promise<void> {
    await em.transactional((tx) =>
      installInvariantGuards(sqlRunner(tx, tx.getTransactionContext()), this.model),
    );
  }

  /** An entity manager of `em`'s ORM that sees tombstones too, with its own identity map. */
  forkIncludingDeleted<E extends EntityManager>(em: E): E {
    const fork = em.fork({ clear: true }) as E;
    fork.setFilterParams(this.filterName, { includeDeleted: true } satisfies SoftDeleteFilterParams);
    return fork;
  }

  /**
   * Tombstones a live entity, and cascades, in one transaction and one batch of which it is the root.
   * @param entity managed by `em`
   * @throws SoftDeleteError NOT_FOUND when the row is (by now) deleted
   */
  async delete(
    em: EntityManager,
    entity: object,
    options: { actor: string | null; reason?: string | null },
  ): Promise<DeleteResult> {
    const name = wrap(entity, true).__meta.className;
    const model = this.model.require(name);
    const id = wrap(entity, true).getPrimaryKey();
    await em.transactional(async (tx) => {
      // Lock the row and re-read its tombstone: of two concurrent deletes, the second waits here
      // and then finds the row deleted, instead of moving it into a batch of its own.
      const current = await lockRow(sqlRunner(tx, tx.getTransactionContext()), model, id);
      if (!current || current.deleted_at != null) throw SoftDeleteError.notFound(name);
      const row = entity as Tombstoned;
      row.deletedBy = options.actor;
      row.deleteReason = options.reason ?? null;
      row.deleteBatch = randomUUID();
      tx.remove(entity);
    });
    const result = this.#results.get(entity);
    if (!result)
      throw new Error(`The delete of ${name} was not recorded; is the TombstoneSubscriber registered?`);
    return result;
  }

  /**
   * Brings back the rows of the batch whose root is (`entityName`, `id`). A row of the batch whose
   * required or cascade parent was deleted on its own since (by another batch) stays deleted, with
   * the rows of the batch beneath it, and moves to that parent's batch: restoring the parent
   * brings it back. Every parent is locked `FOR SHARE` on the way (by the invariant guards), so a
   * concurrent delete either waits for the restore and then cascades over it, or wins and the
   * restore fails with a retryable error.
   * @throws SoftDeleteError NOT_FOUND for an unknown row or one `authorize` refuses; CONFLICT for a
   *   live row, a row that is not its batch's root, or a root whose parent is still tombstoned.
   *   A unique violation (a live row took a restored row's value) propagates, nothing changed.
   */
  async restore(
    em: EntityManager,
    entityName: string,
    id: unknown,
    options: ActorOptions,
  ): Promise<BatchResult> {
    return em.transactional(async (tx) => {
      const run = sqlRunner(tx, tx.getTransactionContext());
      const row = await this.lockRoot(run, entityName, id, options, 'restore');
      const parent = await tombstonedParent(run, this.model, entityName, row);
      if (parent) {
        const described = this.describe(parent.entity, parent.id);
        throw SoftDeleteError.parentDeleted(
          this.describe(entityName, id).label,
          described.label,
          described.id,
        );
      }
      const batchId = row.delete_batch as string;
      await lockBatch(run, this.model, batchId);
      const blocked = await blockedRows(run, this.model, batchId);
      await rehome(run, this.model, blocked);
      const restored = await clearBatch(run, this.model, batchId);
      const result = await record(run, 'restore', entityName, id, options, batchId, restored);
      const kept = [...blocked].flatMap(([entity, rows]) =>
        [...rows.keys()].map((key) => `${entity}:${key}`),
      );
      return { ...result, kept };
    });
  }

  /**
   * Hard-deletes the batch whose root is (`entityName`, `id`) and every row beneath its rows,
   * including rows tombstoned earlier by separate deletes, which could never be restored.
   * @throws SoftDeleteError NOT_FOUND for an unknown row; CONFLICT for a live row or a non-root
   */
  async purge(
    em: EntityManager,
    entityName: string,
    id: unknown,
    options: ActorOptions,
  ): Promise<BatchResult> {
    return em.transactional(async (tx) => {
      const run = sqlRunner(tx, tx.getTransactionContext());
      const row = await this.lockRoot(run, entityName, id, options, 'purge');
      const batchId = row.delete_batch as string;
      const rows = await withRowsBeneath(run, this.model, await lockBatch(run, this.model, batchId));
      await deleteRows(run, this.model, rows);
      return record(run, 'purge', entityName, id, options, batchId, rows);
    });
  }

  /** Locks the row and checks it is a tombstoned batch root the caller may act on. */
  private async lockRoot(
    run: SqlRunner,
    entityName: string,
    id: unknown,
    options: ActorOptions,
    action: 'restore' | 'purge',
  ): Promise<Record<string, unknown>> {
    const row = await lockRow(run, this.model.require(entityName), id);
    if (!row) throw SoftDeleteError.notFound(entityName);
    if (options.authorize && !options.authorize({ deletedBy: (row.deleted_by as string | null) ?? null })) {
      throw SoftDeleteError.notFound(entityName);
    }
    const self = this.describe(entityName, id);
    if (row.deleted_at == null) throw SoftDeleteError.notDeleted(self.label);
    if (row.delete_batch == null) {
      // Tombstoned outside the toolkit: the row is a batch of its own.
      row.delete_batch = randomUUID();
      await assignBatch(run, this.model.require(entityName), id, row.delete_batch as string);
      return row;
    }
    const root = await batchRoot(run, row.delete_batch as string);
    if (root && (root.entityType !== entityName || root.entityId !== String(id))) {
      const described = this.describe(root.entityType, root.entityId);
      throw SoftDeleteError.notRoot(self.label, described.label, described.id, action);
    }
    return row;
  }

  private describe(entity: string, id: unknown): { label: string; id: string } {
    return this.#options.describe?.(entity, id) ?? { label: `${entity} ${id}`, id: String(id) };
  }
}

/** Appends the audit event of a restore or purge and reports what it did. */
async function record(
  run: SqlRunner,
  action: 'restore' | 'purge',
  entityName: string,
  id: unknown,
  actor: ActorOptions,
  batchId: string,
  rows: RowSet,
): Promise<BatchResult> {
  // The root first, as a delete's result lists it.
  const root = `${entityName}:${String(id)}`;
  const refs = refsOf(rows).sort((x, y) => Number(y === root) - Number(x === root));
  await appendAuditEvent(run, {
    action,
    entityType: entityName,
    entityId: String(id),
    actorId: actor.actor,
    actorLabel: actor.actorLabel ?? null,
    reason: null,
    batchId,
    refs,
    at: new Date(),
  });
  return { batchId, count: refs.length, refs };
}
