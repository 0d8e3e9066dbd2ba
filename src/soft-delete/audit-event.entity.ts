import { defineEntity, p } from '@mikro-orm/core';

/** What an audit event records. */
export type AuditAction = 'delete' | 'restore' | 'purge';

const AuditEventSchema = defineEntity({
  name: 'AuditEvent',
  tableName: 'soft_delete_audit',
  properties: {
    id: p.bigint('number').primary(),
    action: p.string().length(16),
    /** The entity the action was addressed to: the batch root. */
    entityType: p.string().length(64),
    entityId: p.string().length(64),
    /** The user who acted; null for an actor that is not a user (see `actorLabel`). */
    actorId: p.string().length(64).nullable(),
    /** Who acted when it was not a user, e.g. `cli:purge`; null for users' actions. */
    actorLabel: p.string().length(64).nullable(),
    reason: p.text().nullable(),
    batchId: p.uuid(),
    /** How many rows the action tombstoned, restored or purged. */
    rowCount: p.integer(),
    /** Every row the action covered, as `Entity:id`; ids are text, never foreign keys. */
    entityRefs: p.array().columnType('text[]'),
    createdAt: p
      .datetime(3)
      .defaultRaw('now()')
      .onCreate(() => new Date()),
  },
  // Append-only: the log is evidence, so not even the application may rewrite or erase it. A
  // TRUNCATE trigger lives in the migration only: MikroORM's schema diff does not see those.
  triggers: [
    {
      name: 'soft_delete_audit_append_only',
      timing: 'before',
      events: ['update', 'delete'],
      forEach: 'row',
      body: "raise exception 'soft_delete_audit is append-only: % is not allowed', tg_op;",
    },
  ],
  indexes: [
    { name: 'soft_delete_audit_created_at_id_index', properties: ['createdAt', 'id'] },
    { name: 'soft_delete_audit_batch_id_index', properties: ['batchId'] },
    {
      name: 'soft_delete_audit_entity_refs_index',
      expression:
        'create index "soft_delete_audit_entity_refs_index" on "soft_delete_audit" using gin ("entity_refs")',
    },
  ],
});

/**
 * One line of the append-only soft-delete audit log: a delete, restore or purge, who did it,
 * when, why, which batch and how many rows. The table is written with plain SQL inside the
 * action's transaction, and a trigger (see the migrations) refuses updates and deletes.
 */
export class AuditEvent extends AuditEventSchema.class {}
AuditEventSchema.setClass(AuditEvent);
