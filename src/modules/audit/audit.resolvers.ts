import type { Resolvers } from '../../generated/graphql.js';
import { parsePage } from '../../graphql/connection.js';
import { globalIdOfRef, toGlobalId } from '../../graphql/global-id.js';
import { listAuditEvents, listTrash } from './audit.service.js';

/** The trash (what moderators can restore) and the audit log (what auditors read). */
export const auditResolvers: Resolvers = {
  Query: {
    trash: (_root, args, ctx, info) =>
      listTrash(
        ctx.reads.scope('all'),
        ctx.softDelete,
        { ...args, types: args.type ?? [] },
        parsePage(args, info),
      ),
    auditLog: (_root, args, ctx, info) =>
      listAuditEvents(ctx.reads.scope('all'), args.entityId, parsePage(args, info)),
  },
  // Explicit, as compiled execution does not call function-valued properties: both are read only
  // when selected.
  TombstoneEdge: {
    batch: (edge) => edge.batch(),
  },
  DeletionBatch: {
    purgeCount: (batch) => batch.purgeCount(),
  },
  AuditEvent: {
    id: (event) => toGlobalId('AuditEvent', event.id),
    action: (event) => event.action.toUpperCase() as 'DELETE' | 'RESTORE' | 'PURGE',
    entityId: (event) => toGlobalId(event.entityType, event.entityId),
    // Auditors see deleted actors too; a purged one reads as null.
    actor: (event, _args, ctx) =>
      event.actorId ? ctx.reads.scope('all').loaders.user.load(Number(event.actorId)) : null,
    actorId: (event) => (event.actorId ? toGlobalId('User', event.actorId) : null),
    entityIds: (event) => event.entityRefs.map(globalIdOfRef),
  },
};
