import type { QueryBuilder } from '@mikro-orm/sql';
import { cacheFor } from './keyed-cache.js';
import type { Visibility } from './request-reads.js';
import { SOFT_DELETE_FILTER } from './soft-delete.filter.js';
import type { StatementReader } from './statement.reader.js';

/** What {@link cachedStatement} needs of a query builder: a query builder of any entity and selection. */
export interface FilterableQuery {
  applyFilters(): Promise<void>;
  toQuery(): { sql: string; params: readonly unknown[] };
}

/** A statement built once: its SQL, and which of its parameters take the arguments. */
interface CachedStatement {
  sql: string;
  params: readonly unknown[];
  /** Per argument, the parameters that take it. */
  slots: readonly (readonly number[])[];
}

/** Per ORM (its metadata storage, shared by every fork), statements by mode and shape. */
const STATEMENTS = new WeakMap<object, Map<string, CachedStatement>>();

/**
 * The SQL and parameters of a filtered read whose varying parts are a few arguments, such as
 * "the comments of these posts" or "the posts matching this text".
 *
 * The statement is built through the query builder, with `applyFilters()`, so the soft-delete
 * filter writes its own condition as on every read; but it is built once per ORM, visibility
 * mode and shape, and reused with other arguments: building it costs more CPU than PostgreSQL
 * spends answering a lookup by primary key. This holds because the filter's condition depends on
 * the mode alone (it takes no per-request parameters).
 *
 * @param em an entity manager of the mode (its filter parameters decide the condition): the
 *   mode's statement reader, or a scope's own
 * @param mode the scope's visibility mode; part of the cache key
 * @param shape names everything else that decides the SQL (entity, columns, fixed conditions,
 *   page sizes)
 * @param build builds the query from one stand-in per argument, each of which must reach it as a
 *   parameter of a string condition, unchanged (`qb.where('"r"."id" in (?)', [ids])`): an array
 *   argument's stand-in is an array, any other's a string. (`raw()` fragments write their
 *   parameters into the SQL, so an argument cannot go through one.)
 * @param args the arguments of this execution, in the order `build` takes their stand-ins
 */
export async function cachedStatement(
  em: StatementReader,
  mode: Visibility,
  shape: string,
  build: (...standIns: unknown[]) => FilterableQuery,
  args: readonly unknown[],
): Promise<{ sql: string; params: unknown[] }> {
  const byShape = cacheFor(STATEMENTS, em.getMetadata());
  // The filter's parameters on `em` are what decide the condition: keyed by them as well as by
  // the caller's mode, a fork that includes deleted rows can never store SQL a live read reuses.
  const key = `${mode}|${JSON.stringify(em.getFilterParams(SOFT_DELETE_FILTER) ?? null)}|${shape}`;
  let statement = byShape.get(key);
  if (!statement) {
    // Found again by identity (an array) or by a value nothing else writes (a string).
    const standIns = args.map((arg, i) => (Array.isArray(arg) ? [] : `\u0000tombstone argument ${i}\u0000`));
    const qb = build(...standIns);
    await qb.applyFilters();
    const { sql, params } = qb.toQuery();
    const slots = standIns.map((standIn) => params.flatMap((param, i) => (param === standIn ? [i] : [])));
    if (slots.some((at) => at.length === 0)) {
      throw new Error(`The statement "${shape}" must take each of its arguments as a parameter.`);
    }
    // A statement without arguments is written out whole, its parameters as literals: run as a
    // prepared statement with `limit $1`, PostgreSQL plans it afresh on every execution, since a
    // plan for an unknown limit looks dearer than one for 21 (W1's first page: 20,894 plans in
    // 20,878 calls, 0.08 ms planning against 0.03 ms executing). Written out, one generic plan
    // per connection serves every execution.
    statement =
      args.length === 0
        ? { sql: em.getDriver().getPlatform().formatQuery(sql, params), params: [], slots }
        : { sql, params, slots };
    byShape.set(key, statement);
  }
  const params = [...statement.params];
  statement.slots.forEach((at, arg) => {
    for (const i of at) params[i] = args[arg];
  });
  return { sql: statement.sql, params };
}

/**
 * {@link cachedStatement} for a read whose only varying part is a list of ids, such as "these
 * users" or "the comments of these posts".
 * @param build builds the query; `ids` must reach it as the parameter of a string condition,
 *   e.g. `qb.where('"r"."id" in (?)', [ids])`, which the driver expands when it runs
 */
export function idListStatement<E extends object>(
  em: StatementReader,
  mode: Visibility,
  shape: string,
  build: (ids: readonly unknown[]) => QueryBuilder<E>,
  ids: readonly unknown[],
): Promise<{ sql: string; params: unknown[] }> {
  return cachedStatement(em, mode, shape, build as (ids: unknown) => QueryBuilder<E>, [ids]);
}

/**
 * The SQL of a filtered read that does not vary at all, such as "the first 20 posts, newest
 * first": cached like {@link cachedStatement}'s, and for the same reason, and written out whole
 * (no parameters; see there).
 * @param shape names everything that decides the SQL, page size included
 */
export function filteredStatement<E extends object>(
  em: StatementReader,
  mode: Visibility,
  shape: string,
  build: () => QueryBuilder<E>,
): Promise<{ sql: string; params: unknown[] }> {
  return cachedStatement(em, mode, shape, build, []);
}
