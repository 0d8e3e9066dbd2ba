import type { EntityManager } from '@mikro-orm/core';
import type { QueryBuilder } from '@mikro-orm/sql';
import type { Visibility } from './request-reads.js';
import { SOFT_DELETE_FILTER } from './soft-delete.filter.js';

/** A statement whose one varying part is a list of ids: its SQL, and where the list goes. */
interface IdListStatement {
  sql: string;
  params: readonly unknown[];
  /** The parameter that takes the ids; -1 for none (see {@link filteredStatement}). */
  slot: number;
}

/** Per ORM (its metadata storage, shared by every fork), statements by mode and shape. */
const STATEMENTS = new WeakMap<object, Map<string, IdListStatement>>();

/**
 * The SQL and parameters of a filtered read whose only varying part is a list of ids, such as
 * "these users" or "the comments of these posts".
 *
 * The statement is built through the query builder, with `applyFilters()`, so the soft-delete
 * filter writes its own condition as on every read; but it is built once per ORM, visibility
 * mode and shape, and reused with other ids: building it costs more CPU than PostgreSQL spends
 * answering a lookup by primary key. This holds because the filter's condition depends on the
 * mode alone (it takes no per-request parameters).
 *
 * @param em an entity manager of the mode's scope (its filters decide the condition)
 * @param mode the scope's visibility mode; part of the cache key
 * @param shape names everything else that decides the SQL (entity, columns, fixed conditions)
 * @param build builds the query; `ids` must reach it as the single parameter of a string
 *   condition, e.g. `qb.where('"r"."id" in (?)', [ids])`, which the driver expands when it runs
 * @param ids the ids of this execution
 */
export async function idListStatement<E extends object>(
  em: EntityManager,
  mode: Visibility,
  shape: string,
  build: (ids: readonly unknown[]) => QueryBuilder<E>,
  ids: readonly unknown[],
): Promise<{ sql: string; params: unknown[] }> {
  const metadata = em.getMetadata();
  let byShape = STATEMENTS.get(metadata);
  if (!byShape) {
    byShape = new Map();
    STATEMENTS.set(metadata, byShape);
  }
  // The filter's parameters on `em` are what decide the condition: keyed by them as well as by
  // the caller's mode, a fork that includes deleted rows can never store SQL a live read reuses.
  const key = `${mode}|${JSON.stringify(em.getFilterParams(SOFT_DELETE_FILTER) ?? null)}|${shape}`;
  let statement = byShape.get(key);
  if (!statement) {
    const marker: unknown[] = [];
    const qb = build(marker);
    await qb.applyFilters();
    const { sql, params } = qb.toQuery();
    const slot = params.indexOf(marker);
    if (ids !== NO_IDS && (slot === -1 || params.indexOf(marker, slot + 1) !== -1)) {
      throw new Error(`The statement "${shape}" must take its ids as exactly one parameter.`);
    }
    statement = { sql, params, slot };
    byShape.set(key, statement);
  }
  const params = [...statement.params];
  if (statement.slot !== -1) params[statement.slot] = ids;
  return { sql: statement.sql, params };
}

/** Stands for "no ids" in {@link filteredStatement}'s use of the cache. */
const NO_IDS: readonly unknown[] = [];

/**
 * The SQL and parameters of a filtered read that does not vary at all, such as "the first 20
 * posts, newest first": cached like {@link idListStatement}'s, and for the same reason.
 * @param shape names everything that decides the SQL, page size included
 */
export function filteredStatement<E extends object>(
  em: EntityManager,
  mode: Visibility,
  shape: string,
  build: () => QueryBuilder<E>,
): Promise<{ sql: string; params: unknown[] }> {
  return idListStatement(em, mode, shape, build, NO_IDS);
}
