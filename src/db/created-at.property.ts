import { p } from '@mikro-orm/core';

/**
 * `createdAt` as every microblog table has it: millisecond precision (so cursors round-trip
 * exactly), set by the ORM on create and defaulted by PostgreSQL for bulk inserts.
 */
export function createdAtProperty() {
  return p
    .datetime(3)
    .defaultRaw('now()')
    .onCreate(() => new Date());
}
