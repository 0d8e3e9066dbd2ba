import type { ReadScope } from '../context.js';
import { findPage, type KeysetDirection, type KeysetRow } from '../db/keyset.js';
import type { ListSpec } from '../db/list-loaders.js';
import { buildConnection, type Connection, type Page } from './connection.js';

/**
 * One parent's page of a nested list, loaded together with the same field's pages for every
 * other parent of the request (see `ListLoaders`), and its `totalCount` likewise.
 */
export async function nestedConnection<T extends KeysetRow, N = T>(
  scope: ReadScope,
  spec: ListSpec<T>,
  parentId: number,
  page: Page,
  nodeOf: (row: T) => N = (row) => row as unknown as N,
): Promise<Connection<N>> {
  const rows = await scope.loaders.lists.page(spec, page).load(parentId);
  return buildConnection(
    rows,
    page,
    (row) => ({ createdAt: row.createdAt, id: row.id }),
    nodeOf,
    () => scope.loaders.lists.count(spec).load(parentId),
    scope.visibility,
  );
}

/** A page of a whole table, in `(createdAt, id)` order, with its `totalCount`. */
export async function rootConnection<T extends KeysetRow>(
  scope: ReadScope,
  entity: new (...args: never[]) => T,
  page: Page,
  direction: KeysetDirection,
): Promise<Connection<T>> {
  const rows = await findPage(scope.em, entity, {}, page, direction);
  return buildConnection(
    rows,
    page,
    (row) => ({ createdAt: row.createdAt, id: row.id }),
    (row) => row,
    () => scope.em.count(entity, {}),
    scope.visibility,
  );
}
