import type { EntityManager } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { cacheFor } from './keyed-cache.js';
import type { Visibility } from './request-reads.js';
import type { SoftDelete } from './soft-delete.service.js';

/**
 * What the read path may do with an entity manager that every request shares: build a
 * statement (the query builder, `applyFilters()`), run it with the request's abort options
 * (`getKysely`, `execute`) and map its rows (the driver, the metadata). Nothing that keeps
 * state: no `find`, `count`, `persist`, transactions or filter parameters to set, so that a
 * loader cannot fill a shared identity map, or send a statement without its request's signal,
 * without a cast that a reviewer sees.
 */
export type StatementReader = Pick<
  SqlEntityManager,
  | 'createQueryBuilder'
  | 'getMetadata'
  | 'getDriver'
  | 'getFilterParams'
  | 'getKysely'
  | 'execute'
  | 'isInTransaction'
  | 'config'
>;

/** Per ORM (by its base entity manager), the statement readers of each mode. */
const READERS = new WeakMap<EntityManager, Map<Visibility, StatementReader>>();

/**
 * The entity manager every request's loaders of one mode build and run their statements
 * through: one per ORM and mode, a fork of `base` (the `all` one includes deleted rows).
 *
 * Sharing it between requests is safe because of what a loader does with it, and only that
 * ({@link StatementReader}): it builds a statement with the query builder and `applyFilters()`
 * (the filter's condition depends on the mode alone, see `cachedStatement`), runs it through the
 * request's runner, which passes the request's abort signal with each statement, and maps the
 * result to plain rows. Nothing reaches its identity map, unit of work or transaction context,
 * so nothing of one request can reach another through it. Whatever needs those, or the
 * request's signal on the entity manager itself, goes through the scope's own `em`. Forking one
 * per request cost 6.7 µs of a `node(id)` request's 174 µs of CPU (W3): a unit of work, an
 * entity factory and a loader built for reads that use none of them.
 */
export function statementReader(
  base: EntityManager,
  visibility: Visibility,
  softDelete: SoftDelete,
): StatementReader {
  const byMode = cacheFor(READERS, base);
  let reader = byMode.get(visibility);
  if (!reader) {
    // From the base itself, not the entity manager the async context holds (a transaction's, a
    // request's): a fork copies its parent's abort signal and filter parameters.
    const fork = base.fork({ disableContextResolution: true });
    reader = (visibility === 'all'
      ? softDelete.forkIncludingDeleted(fork)
      : fork) as unknown as StatementReader;
    byMode.set(visibility, reader);
  }
  return reader;
}
