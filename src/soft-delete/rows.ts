import {
  type EntityMetadata,
  type EntityName,
  type EntityProperty,
  ReferenceKind,
  wrap,
} from '@mikro-orm/core';
import type { QueryBuilder } from '@mikro-orm/sql';
import { cacheFor } from './keyed-cache.js';
import { READ_SCOPE, type Visibility } from './request-reads.js';
import type { StatementReader } from './statement.reader.js';

/** The entity a row belongs to, for abstract types (`Node`, `SoftDeletable`). */
export const ROW_ENTITY = Symbol('tombstone.rowEntity');
/** Parent rows a mutation had loaded in its transaction, by relation (see {@link rowOf}). */
export const ROW_PARENTS = Symbol('tombstone.rowParents');

/**
 * An entity as a plain row: its scalar properties as MikroORM maps them (dates as `Date`), and
 * each many-to-one as the parent's primary key. Reads build these, never managed entities: no
 * identity map, no unit of work, nothing to hydrate twice.
 */
export type Row<E> = {
  [K in keyof E as E[K] extends (...args: never[]) => unknown ? never : K]: NonNullable<E[K]> extends {
    id: infer I;
  }
    ? I | Extract<E[K], null | undefined>
    : E[K];
} & Tagged;

/** What every row carries besides its columns. */
export interface Tagged {
  [READ_SCOPE]?: Visibility;
  [ROW_ENTITY]?: string;
  [ROW_PARENTS]?: Record<string, object>;
}

/**
 * The parent row a mutation's payload row carries for `property`, as the mutation's transaction
 * saw it, if it had loaded it. A committed mutation answers with the state it committed, even when
 * a delete commits right after it and before its payload is read.
 */
export function parentRow<T>(row: Tagged, property: string): T | undefined {
  return row[ROW_PARENTS]?.[property] as T | undefined;
}

/** Marks `row` as read in `mode`, as an `entity`; the guard and type resolution read these tags. */
export function tagRow<T extends object>(row: T, entity: string, mode: Visibility): T & Tagged {
  const tagged = row as T & Tagged;
  tagged[READ_SCOPE] = mode;
  tagged[ROW_ENTITY] = entity;
  return tagged;
}

/** {@link rowFields} per entity's metadata: decided once, read on every statement. */
const ROW_FIELDS = new WeakMap<EntityMetadata, readonly string[]>();

/** The properties a whole row holds: every persisted, eagerly loaded scalar and many-to-one. */
export function rowFields(meta: EntityMetadata): readonly string[] {
  let fields = ROW_FIELDS.get(meta);
  if (!fields) {
    fields = meta.props
      .filter(
        (prop) =>
          prop.persist !== false &&
          !prop.lazy &&
          (prop.kind === ReferenceKind.SCALAR || prop.kind === ReferenceKind.MANY_TO_ONE),
      )
      .map((prop) => prop.name);
    ROW_FIELDS.set(meta, fields);
  }
  return fields;
}

/**
 * A query builder over `entity` in `em`'s visibility mode, selecting the row's fields (all of
 * {@link rowFields}, or those `fields` names for it). Finish it with {@link readRows}, which
 * applies the soft-delete filter (with the filter parameters `em` carries), so the filter stays
 * the one statement of what is visible.
 */
export function rowQuery<E extends object>(
  em: StatementReader,
  entity: EntityName<E>,
  alias = 'r',
  fields: (meta: EntityMetadata) => readonly string[] = rowFields,
) {
  const qb = (
    em as unknown as { createQueryBuilder(e: unknown, a: string): QueryBuilder<E> }
  ).createQueryBuilder(entity, alias);
  const meta = em.getMetadata().get(entity as never) as EntityMetadata;
  return qb.select(fields(meta) as never) as unknown as QueryBuilder<E>;
}

/** Runs a {@link rowQuery} through the filters and returns tagged plain rows. */
export async function readRows<E extends object>(
  qb: QueryBuilder<E>,
  entity: string,
  mode: Visibility,
): Promise<Row<E>[]> {
  await qb.applyFilters();
  const rows = (await qb.execute('all', true)) as unknown as object[];
  return rows.map((row) => tagRow(row, entity, mode) as Row<E>);
}

/**
 * Rows read with hand-built SQL around a {@link rowQuery} (e.g. a per-parent window), mapped
 * from columns to properties as the ORM's result mapper maps them, and tagged. Columns that are
 * no property (a window's `__rn`) are left out.
 */
export function mapRows<E extends object>(
  em: StatementReader,
  entity: EntityName<E>,
  raw: object[],
  mode: Visibility,
): Row<E>[] {
  if (raw.length === 0) return [];
  const meta = em.getMetadata().get(entity as never) as EntityMetadata<E>;
  const map = rowMapper(em, meta as EntityMetadata, Object.keys(raw[0] as object), mode);
  return raw.map((row) => map(row as Record<string, unknown>) as Row<E>);
}

/** Turns one raw result row into a tagged plain row. */
type RowMapper = (raw: Record<string, unknown>) => object;

/** Mappers per entity, by the columns a result has (in order) and the mode it is tagged with. */
const MAPPERS = new WeakMap<EntityMetadata, Map<string, RowMapper>>();
/** Most column lists one entity keeps mappers for (projections make a few per entity). */
const MAX_SHAPES = 200;

/**
 * A mapper from raw rows with `columns` (as PostgreSQL names them) to plain rows of `meta`'s
 * properties, tagged with `mode` and the entity: what MikroORM's result mapper returns for a
 * plain row (dates as `Date`, many-to-ones as the parent's key), built as one object literal.
 *
 * The ORM's mapper is general: it copies every column it does not know onto the row (a loop over
 * each row's keys) and checks each property's presence, and it cost about 4% of a nested read's
 * CPU. A read's columns are known per statement, so this one is specialised to them, compiled
 * once per entity and column list, and leaves out columns that are no property (`__rn`). An
 * entity whose columns need more than a copy (embeddables, inheritance, composite keys,
 * booleans) goes through the ORM's mapper, as does a row whose date arrives unparsed.
 */
function rowMapper(
  em: StatementReader,
  meta: EntityMetadata,
  columns: readonly string[],
  mode: Visibility,
): RowMapper {
  const byShape = cacheFor(MAPPERS, meta);
  const key = `${mode}|${columns.join(',')}`;
  let mapper = byShape.get(key);
  if (!mapper) {
    mapper = compile(em, meta, columns, mode);
    if (byShape.size < MAX_SHAPES) byShape.set(key, mapper);
  }
  return mapper;
}

function compile(em: StatementReader, meta: EntityMetadata, columns: readonly string[], mode: Visibility) {
  const driver = em.getDriver();
  // The ORM's own mapper, tagged: for what the literal below does not cover.
  const general: RowMapper = (raw) =>
    tagRow(driver.mapResult(raw as never, meta) ?? {}, meta.className, mode);
  if (meta.embeddable || meta.discriminatorColumn || meta.inheritanceType || meta.polymorphs?.length)
    return general;
  const byColumn = new Map<string, EntityProperty>();
  for (const prop of meta.props as EntityProperty[]) {
    if (prop.fieldNames?.length === 1) byColumn.set(prop.fieldNames[0] as string, prop);
  }
  const entries: string[] = [];
  const dates: string[] = [];
  for (const column of columns) {
    const prop = byColumn.get(column);
    if (!prop) continue;
    const plain =
      (prop.kind === ReferenceKind.SCALAR || prop.kind === ReferenceKind.MANY_TO_ONE) &&
      !prop.embedded &&
      !prop.polymorphic &&
      prop.runtimeType !== 'boolean';
    if (!plain) return general;
    const value = `r[${JSON.stringify(column)}]`;
    if (prop.runtimeType === 'Date') dates.push(value);
    entries.push(`${JSON.stringify(prop.name)}: ${value}`);
  }
  // Generated once per shape, as the ORM generates its own mappers: an object literal gives every
  // row of a shape one hidden class, which the resolvers that read them then see alone.
  const body = [
    ...dates.map((value) => `if (${value} != null && !(${value} instanceof Date)) return general(r);`),
    `return { ${[...entries, '[scope]: mode', '[entity]: className'].join(', ')} };`,
  ].join('\n');
  return new Function('general', 'scope', 'entity', 'mode', 'className', `return (r) => {\n${body}\n};`)(
    general,
    READ_SCOPE,
    ROW_ENTITY,
    mode,
    meta.className,
  ) as RowMapper;
}

/**
 * A managed entity (written by a mutation) as a tagged row, read in `mode` (default `live`). Its
 * many-to-one parents that the mutation loaded come along as rows too (see {@link parentRow}).
 */
export function rowOf<E extends object>(
  em: StatementReader,
  entity: E,
  mode: Visibility = 'live',
  withParents = true,
): Row<E> {
  const metadata = em.getMetadata();
  const meta = metadata.getByClassName(entity.constructor.name);
  const row: Record<string, unknown> = {};
  const parents: Record<string, object> = {};
  for (const name of rowFields(meta)) {
    const value = (entity as Record<string, unknown>)[name];
    const prop = meta.properties[name];
    if (prop?.kind !== ReferenceKind.MANY_TO_ONE || value == null) {
      row[name] = value;
      continue;
    }
    // A many-to-one holds an entity or a reference: the row keeps its primary key.
    row[name] = (value as Record<string, unknown>)[
      metadata.getByClassName(prop.type).primaryKeys[0] as string
    ];
    if (withParents && wrap(value as object).isInitialized())
      parents[name] = rowOf(em, value as object, mode, false);
  }
  const tagged = tagRow(row, meta.className, mode) as Row<E>;
  if (Object.keys(parents).length > 0) (tagged as Tagged)[ROW_PARENTS] = parents;
  return tagged;
}
