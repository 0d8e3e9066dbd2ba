import type { AuditAction } from './audit-event.entity.js';
import { type SqlRunner, textArrayLiteral } from './sql-runner.js';

/** The audit log's table (see `AuditEvent`). */
export const AUDIT_TABLE = 'soft_delete_audit';

/** One event to append to the audit log. */
export interface AuditEntry {
  action: AuditAction;
  /** The batch root the action was addressed to. */
  entityType: string;
  entityId: string;
  actorId: string | null;
  /** An actor that is not a user, e.g. `cli:purge`. */
  actorLabel?: string | null;
  reason: string | null;
  batchId: string;
  /** Every row covered, as `Entity:id`. */
  refs: string[];
  at: Date;
}

/** Appends an event; run it inside the transaction of the action it records. */
export async function appendAuditEvent(run: SqlRunner, entry: AuditEntry): Promise<void> {
  await run(
    `insert into "${AUDIT_TABLE}" ("action", "entity_type", "entity_id", "actor_id", "actor_label", "reason", ` +
      `"batch_id", "row_count", "entity_refs", "created_at") values (?, ?, ?, ?, ?, ?, ?, ?, ?::text[], ?)`,
    [
      entry.action,
      entry.entityType,
      entry.entityId,
      entry.actorId,
      entry.actorLabel ?? null,
      entry.reason,
      entry.batchId,
      entry.refs.length,
      textArrayLiteral(entry.refs),
      entry.at,
    ],
  );
}

/** The root (`Entity`, id) of a batch: the row its delete event was addressed to. */
export async function batchRoot(
  run: SqlRunner,
  batchId: string,
): Promise<{ entityType: string; entityId: string } | undefined> {
  const [root] = await run<{ entity_type: string; entity_id: string }>(
    `select "entity_type", "entity_id" from "${AUDIT_TABLE}" where "batch_id" = ? and "action" = 'delete' ` +
      'order by "id" limit 1',
    [batchId],
  );
  return root && { entityType: root.entity_type, entityId: root.entity_id };
}
