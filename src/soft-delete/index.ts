/**
 * Tombstone's soft-delete toolkit: mark a GraphQL type `@softDelete`, spread
 * `tombstoneProperties()` into its MikroORM entity, and tombstoned rows vanish from every read
 * path, while deletes, restores and purges work by batch. Imports nothing from the application.
 */
export { type AuditAction, AuditEvent } from './audit-event.entity.js';
export type { RowSet } from './batch.sql.js';
export { type BatchSummary, purgeCount, summarizeBatches } from './batch-summary.js';
export {
  cachedStatement,
  type FilterableQuery,
  filteredStatement,
  idListStatement,
} from './cached.statement.js';
export { CodedError, type CodedErrorHttp, type CodedErrorOptions } from './coded-error.js';
export {
  HIDDEN_PARENT_SQLSTATE,
  invariantGuardsSql,
  invariantViolations,
  LIVE_CHILDREN_SQLSTATE,
} from './invariant.sql.js';
export { operationCoordinates } from './operation-coordinates.js';
export {
  type AbortOptions,
  plainStatements,
  preparedStatementName,
  preparedStatements,
  type Statement,
  type StatementRunner,
} from './prepared.statement.js';
export {
  READ_SCOPE,
  type ReadScope,
  RequestReads,
  type RowFields,
  type Visibility,
} from './request-reads.js';
export {
  countExpiredRoots,
  type ExpiredRootsFilter,
  expiredRoots,
  purgePreview,
} from './retention.queries.js';
export { type RowProjection, type RowProjectionOptions, rowProjections } from './row-projection.js';
export {
  mapRows,
  parentRow,
  ROW_ENTITY,
  ROW_PARENTS,
  type Row,
  readRows,
  rowFields,
  rowOf,
  rowQuery,
  type Tagged,
  tagRow,
} from './rows.js';
export { assertSoftDeleteSetup } from './soft-delete.check.js';
export {
  GATED_TOMBSTONE_FIELDS,
  INCLUDE_DELETED_ARGUMENT,
  softDeleteCascades,
  softDeleteDirective,
  softDeleteDirectiveTypeDefs,
  softDeleteTypes,
  type TombstoneFieldsOptions,
} from './soft-delete.directive.js';
export { SoftDeleteError } from './soft-delete.errors.js';
export { SOFT_DELETE_FILTER } from './soft-delete.filter.js';
export { type CascadeCoordinate, SoftDeleteModel } from './soft-delete.model.js';
export {
  type ActorOptions,
  type BatchResult,
  SoftDelete,
  type SoftDeleteOptions,
} from './soft-delete.service.js';
export { sqlRunner } from './sql-runner.js';
export { type StatementReader, statementReader } from './statement.reader.js';
export { SOFT_DELETABLE_INTERFACE } from './tombstone.fields.js';
export {
  isTombstoned,
  TOMBSTONE_PROPERTIES,
  type Tombstoned,
  tombstoneProperties,
} from './tombstone.properties.js';
export {
  batchesCovering,
  countTombstones,
  listTombstones,
  type TombstoneFilter,
  type TombstonePosition,
  type TombstoneRow,
} from './tombstone.queries.js';
export type { DeleteResult } from './tombstone.subscriber.js';
