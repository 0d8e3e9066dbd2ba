import type { ReadScope } from '../../context.js';
import { findPage } from '../../db/keyset.js';
import { BadUserInputError } from '../../errors.js';
import { buildConnection, type Connection, type Edge, type Page } from '../../graphql/connection.js';
import { fromGlobalId, parseGlobalId, toGlobalId } from '../../graphql/global-id.js';
import {
  AuditEvent,
  type BatchSummary,
  batchesCovering,
  countTombstones,
  listTombstones,
  purgeCount,
  type Row,
  type SoftDelete,
  summarizeBatches,
  type Tombstoned,
  type TombstoneFilter,
  type TombstoneRow,
} from '../../soft-delete/index.js';

/** An audit event as a plain row. */
export type AuditEventRow = Row<AuditEvent>;

/** The GraphQL names of the soft-deletable types, by entity. */
export const SOFT_DELETABLE_TYPES = { USER: 'User', POST: 'Post', COMMENT: 'Comment' } as const;

/** The trash's filters, as the `trash` field takes them. */
export interface TrashFilter {
  types: readonly (keyof typeof SOFT_DELETABLE_TYPES)[];
  /** A `User` global id. */
  deletedBy?: string | null;
  deletedAfter?: Date | null;
  deletedBefore?: Date | null;
  /** A `DeletionBatch.id`. */
  batch?: string | null;
}

/**
 * A trash row's batch, as `DeletionBatch` shows it; `purgeCount` is read only when selected
 * (through its resolver: compiled execution does not call function-valued properties).
 */
export interface TrashBatch {
  id: string | null;
  rootType: string;
  rootId: string;
  isRoot: boolean;
  size: number;
  purgeCount: () => Promise<number>;
}

/** A trash edge: its batch is summarized only when selected (see `TombstoneEdge.batch`). */
export type TrashEdge = Edge<object> & { batch: () => Promise<TrashBatch> };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Deleted rows, most recently deleted first, read in the `all` scope: the rows and their
 * to-one parents are shown as they are; lists below them, like every list, take their own
 * `includeDeleted` (live rows by default). Each edge carries the row's batch; the page's batches
 * are summarized together, and only when a client asks.
 */
export async function listTrash(
  scope: ReadScope,
  softDelete: SoftDelete,
  filter: TrashFilter,
  page: Page,
): Promise<Connection<object>> {
  const tombstones = parseTrashFilter(filter);
  const after = page.after
    ? { deletedAt: page.after.createdAt, entity: page.after.kind ?? '', id: page.after.id }
    : null;
  const rows = await listTombstones(scope.em, softDelete.model, {
    ...tombstones,
    limit: page.first + 1,
    after,
  });
  const loaded = await Promise.all(rows.map((row) => loaderOf(scope, row.entity).load(row.id)));
  // A row purged between the two queries is simply left out.
  const present = rows.flatMap((row, i) => {
    const entity = loaded[i] as Tombstoned | null | undefined;
    return entity ? [{ row, entity }] : [];
  });
  const connection = buildConnection(
    present,
    page,
    ({ row }) => ({ createdAt: row.deletedAt, id: row.id, kind: row.entity }),
    ({ entity }) => entity as object,
    () => countTombstones(scope.em, softDelete.model, tombstones),
    scope.visibility,
  );
  let summaries: Promise<Map<string, BatchSummary>> | undefined;
  // Rows of one batch share its purge count: counted once per batch, and only when asked.
  const purgeCounts = new Map<string, Promise<number>>();
  const countPurge = (batchId: string) => {
    let count = purgeCounts.get(batchId);
    if (!count) {
      count = purgeCount(scope.em, softDelete.model, batchId);
      purgeCounts.set(batchId, count);
    }
    return count;
  };
  const summarize = () => {
    const ids = present.flatMap(({ entity }) => (entity.deleteBatch ? [entity.deleteBatch] : []));
    summaries ??= summarizeBatches(scope.em, softDelete.model, [...new Set(ids)]);
    return summaries;
  };
  return {
    ...connection,
    edges: async () =>
      (await connection.edges()).map((edge, i) => {
        const { row, entity } = present[i] as (typeof present)[number];
        return {
          ...edge,
          batch: () => trashBatch(row, entity.deleteBatch ?? null, summarize, countPurge),
        };
      }),
  };
}

async function trashBatch(
  row: TombstoneRow,
  batchId: string | null,
  summarize: () => Promise<Map<string, BatchSummary>>,
  countPurge: (batchId: string) => Promise<number>,
): Promise<TrashBatch> {
  // A row tombstoned outside the toolkit has no batch: it is a batch of its own, as purge and
  // restore treat it.
  const summary = batchId ? (await summarize()).get(batchId) : undefined;
  const root = summary?.root ?? { entityType: row.entity, entityId: String(row.id) };
  return {
    id: batchId,
    rootType: root.entityType,
    rootId: toGlobalId(root.entityType, root.entityId),
    isRoot: root.entityType === row.entity && root.entityId === String(row.id),
    size: summary?.size ?? 1,
    purgeCount: async () => (batchId ? countPurge(batchId) : 1),
  };
}

function parseTrashFilter(filter: TrashFilter): TombstoneFilter {
  if (filter.batch != null && !UUID.test(filter.batch)) throw BadUserInputError.invalidId('DeletionBatch');
  return {
    // Each type once: a repeated type would repeat its rows (and grow the query).
    entities: [...new Set(filter.types)].map((type) => SOFT_DELETABLE_TYPES[type]),
    deletedBy: filter.deletedBy == null ? null : String(parseGlobalId(filter.deletedBy, 'User')),
    deletedAfter: filter.deletedAfter ?? null,
    deletedBefore: filter.deletedBefore ?? null,
    batchId: filter.batch ?? null,
  };
}

/** The audit log, newest first; with `entityId`, only events of batches that covered that row. */
export async function listAuditEvents(
  scope: ReadScope,
  entityId: string | null | undefined,
  page: Page,
): Promise<Connection<AuditEventRow>> {
  let where = {};
  if (entityId != null) {
    const parsed = fromGlobalId(entityId);
    if (!parsed) throw BadUserInputError.invalidId();
    where = { batchId: { $in: await batchesCovering(scope.em, `${parsed.type}:${parsed.id}`) } };
  }
  const rows = await findPage(scope, AuditEvent, where, page, 'desc');
  return buildConnection(
    rows,
    page,
    (event) => ({ createdAt: event.createdAt, id: event.id }),
    (event) => event,
    () => scope.em.count(AuditEvent, where),
    scope.visibility,
  );
}

function loaderOf(scope: ReadScope, entity: string) {
  if (entity === 'User') return scope.loaders.user;
  if (entity === 'Post') return scope.loaders.post;
  return scope.loaders.comment;
}
