import type { EntityManager, FilterQuery } from '@mikro-orm/postgresql';
import type { Page } from '../graphql/connection.js';
import type { CursorKey } from '../graphql/cursor.js';
import {
  filteredStatement,
  mapRows,
  type Row,
  type RowFields,
  readRows,
  rowQuery,
  type StatementReader,
  type StatementRunner,
  type Visibility,
} from '../soft-delete/index.js';

/** Rows that keyset pagination can page through: ordered by `(createdAt, id)`. */
export interface KeysetRow {
  id: number;
  createdAt: Date;
}

/** The properties a keyset cursor is made of: every row a list returns holds them. */
export const KEYSET_PROPERTIES = ['createdAt', 'id'] as const;

/** `asc`: oldest first; `desc`: newest first. Ties on `createdAt` are broken by `id` the same way. */
export type KeysetDirection = 'asc' | 'desc';

/**
 * What a page is read through: a read scope's entity manager, mode, columns, runner and
 * statement reader (see `statementReader`).
 */
export interface PageReader {
  readonly em: EntityManager;
  visibility: Visibility;
  fields: RowFields;
  loaders: { run: StatementRunner; reader: StatementReader };
}

/**
 * Fetches one page of `entity` rows matching `where`, as plain rows tagged with the scope's
 * visibility, ordered by `(createdAt, id)` in `direction`, starting strictly after the page's
 * cursor, through the scope's soft-delete filter. Returns up to `page.first + 1` rows (see
 * `buildConnection`); none at all, without a query, when `first` is 0. A whole table's first page
 * runs through the scope's runner (prepared, see `preparedStatements`). Rows hold the properties
 * the scope's `fields` names.
 */
export async function findPage<T extends KeysetRow>(
  scope: PageReader,
  entity: new (...args: never[]) => T,
  where: FilterQuery<T>,
  page: Page,
  direction: KeysetDirection,
): Promise<Row<T>[]> {
  if (page.first === 0) return [];
  const { visibility, fields } = scope;
  const { run, reader } = scope.loaders;
  const meta = reader.getMetadata().get(entity);
  const className = meta.className;
  const selected = fields(meta);
  const build = (em: StatementReader) =>
    rowQuery(em, entity, 'r', () => selected)
      .where((page.after ? { $and: [where, afterCursor(page.after, direction)] } : where) as never)
      .orderBy({ createdAt: direction, id: direction } as never)
      .limit(page.first + 1);
  // A whole table's first page varies only with its size (at most 101 of them): its filtered SQL
  // is built once (see filteredStatement) and runs like the loaders' statements. Pages with values
  // of the request's are built and run each time, on the scope's own entity manager (its signal).
  if (page.after || Object.keys(where).length > 0) {
    return (await readRows(build(scope.em), className, visibility)) as Row<T>[];
  }
  const { sql, params } = await filteredStatement(
    reader,
    visibility,
    `${className} first ${page.first} ${direction}: ${selected.join(',')}`,
    () => build(reader),
  );
  return mapRows(reader, entity, await run(reader, { sql, params }), visibility) as unknown as Row<T>[];
}

/** The condition "strictly after `after`" in `(createdAt, id)` order. */
export function afterCursor(after: CursorKey, direction: KeysetDirection) {
  const op = direction === 'asc' ? '$gt' : '$lt';
  return {
    $or: [{ createdAt: { [op]: after.createdAt } }, { createdAt: after.createdAt, id: { [op]: after.id } }],
  };
}
