import { type EntityManager, type EntityMetadata, type EntityName, ReferenceKind } from '@mikro-orm/core';
import type { QueryBuilder } from '@mikro-orm/sql';
import { READ_SCOPE, type Visibility } from './request-reads.js';

/** The entity a row belongs to, for abstract types (`Node`, `SoftDeletable`). */
export const ROW_ENTITY = Symbol('tombstone.rowEntity');

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
}

/** Marks `row` as read in `mode`, as an `entity`; the guard and type resolution read these tags. */
export function tagRow<T extends object>(row: T, entity: string, mode: Visibility): T & Tagged {
  const tagged = row as T & Tagged;
  tagged[READ_SCOPE] = mode;
  tagged[ROW_ENTITY] = entity;
  return tagged;
}

/** The properties a row holds: every persisted, eagerly loaded scalar and many-to-one. */
export function rowFields(meta: EntityMetadata): string[] {
  return meta.props
    .filter(
      (prop) =>
        prop.persist !== false &&
        !prop.lazy &&
        (prop.kind === ReferenceKind.SCALAR || prop.kind === ReferenceKind.MANY_TO_ONE),
    )
    .map((prop) => prop.name);
}

/**
 * A query builder over `entity` in `em`'s visibility mode, selecting the row's fields. Finish it
 * with {@link readRows}, which applies the soft-delete filter (with the filter parameters `em`
 * carries), so the filter stays the one statement of what is visible.
 */
export function rowQuery<E extends object>(em: EntityManager, entity: EntityName<E>, alias = 'r') {
  const qb = (
    em as unknown as { createQueryBuilder(e: unknown, a: string): QueryBuilder<E> }
  ).createQueryBuilder(entity, alias);
  const meta = em.getMetadata().get(entity as never) as EntityMetadata;
  return qb.select(rowFields(meta) as never) as unknown as QueryBuilder<E>;
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
 * from columns to properties by the ORM's own result mapper and tagged.
 */
export function mapRows<E extends object>(
  em: EntityManager,
  entity: EntityName<E>,
  raw: object[],
  mode: Visibility,
): Row<E>[] {
  const meta = em.getMetadata().get(entity as never) as EntityMetadata<E>;
  const driver = em.getDriver();
  return raw.map(
    (row) => tagRow(driver.mapResult(row as never, meta) ?? {}, meta.className, mode) as unknown as Row<E>,
  );
}

/** A managed entity (written by a mutation) as a tagged row, read in `mode` (default `live`). */
export function rowOf<E extends object>(em: EntityManager, entity: E, mode: Visibility = 'live'): Row<E> {
  const metadata = em.getMetadata();
  const meta = metadata.getByClassName(entity.constructor.name);
  const row: Record<string, unknown> = {};
  for (const name of rowFields(meta)) {
    const value = (entity as Record<string, unknown>)[name];
    const prop = meta.properties[name];
    // A many-to-one holds an entity or a reference: the row keeps its primary key.
    row[name] =
      prop?.kind === ReferenceKind.MANY_TO_ONE && value != null
        ? (value as Record<string, unknown>)[metadata.getByClassName(prop.type).primaryKeys[0] as string]
        : value;
  }
  return tagRow(row, meta.className, mode) as Row<E>;
}
