import type { ReadScope } from '../../context.js';
import { findPage } from '../../db/keyset.js';
import { BadUserInputError } from '../../errors.js';
import { buildConnection, type Connection, type Page } from '../../graphql/connection.js';
import { fromGlobalId } from '../../graphql/global-id.js';
import {
  AuditEvent,
  batchesCovering,
  countTombstones,
  listTombstones,
  type Row,
  type SoftDelete,
} from '../../soft-delete/index.js';

/** An audit event as a plain row. */
export type AuditEventRow = Row<AuditEvent>;

/** The GraphQL names of the soft-deletable types, by entity. */
export const SOFT_DELETABLE_TYPES = { USER: 'User', POST: 'Post', COMMENT: 'Comment' } as const;

/**
 * Deleted rows, most recently deleted first, read in the `all` scope: the rows and their
 * to-one parents are shown as they are; lists below them, like every list, take their own
 * `includeDeleted` (live rows by default).
 */
export async function listTrash(
  scope: ReadScope,
  softDelete: SoftDelete,
  types: readonly (keyof typeof SOFT_DELETABLE_TYPES)[],
  page: Page,
): Promise<Connection<object>> {
  // Each type once: a repeated type would repeat its rows (and grow the query).
  const entities = [...new Set(types)].map((type) => SOFT_DELETABLE_TYPES[type]);
  const after = page.after
    ? { deletedAt: page.after.createdAt, entity: page.after.kind ?? '', id: page.after.id }
    : null;
  const rows = await listTombstones(scope.em, softDelete.model, { entities, limit: page.first + 1, after });
  const loaded = await Promise.all(rows.map((row) => loaderOf(scope, row.entity).load(row.id)));
  // A row purged between the two queries is simply left out.
  const present = rows.flatMap((row, i) => (loaded[i] ? [{ row, entity: loaded[i] as object }] : []));
  return buildConnection(
    present,
    page,
    ({ row }) => ({ createdAt: row.deletedAt, id: row.id, kind: row.entity }),
    ({ entity }) => entity,
    () => countTombstones(scope.em, softDelete.model, entities),
    scope.visibility,
  );
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
  const rows = await findPage(scope.em, AuditEvent, where, page, 'desc', scope.visibility);
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
