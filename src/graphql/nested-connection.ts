import type { ReadScope } from '../context.js';
import { findPage, type KeysetDirection, type KeysetRow } from '../db/keyset.js';
import type { ListSpec } from '../db/list-loaders.js';
import type { Row } from '../soft-delete/index.js';
import { buildConnection, type Connection, type Page } from './connection.js';

/**
 * One parent's page of a nested list, loaded together with the same field's pages for every
 * other parent of the request (see `ListLoaders`), and its `totalCount` likewise.
 */
export async function nestedConnection<T extends KeysetRow>(
  scope: ReadScope,
  spec: ListSpec<T>,
  parentId: number,
  page: Page,
): Promise<Connection<Row<T>>> {
  const rows = await scope.loaders.lists.page(spec, page).load(parentId);
  return buildConnection(
    rows,
    page,
    (row) => ({ createdAt: (row as unknown as KeysetRow).createdAt, id: (row as unknown as KeysetRow).id }),
    (row) => row,
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
): Promise<Connection<Row<T>>> {
  const rows = await findPage(scope, entity, {}, page, direction);
  return buildConnection(
    rows,
    page,
    (row) => ({ createdAt: (row as unknown as KeysetRow).createdAt, id: (row as unknown as KeysetRow).id }),
    (row) => row,
    () => scope.em.count(entity, {}),
    scope.visibility,
  );
}
