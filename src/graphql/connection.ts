import { BadUserInputError } from '../errors.js';
import { READ_SCOPE, type Visibility } from '../soft-delete/index.js';

/** `first` when the client gives none. */
export const DEFAULT_PAGE_SIZE = 20;
/** The largest `first` a client may ask for. */
export const MAX_PAGE_SIZE = 100;

/** The position of a row in a list ordered by `(createdAt, id)`: what a cursor encodes. */
export interface CursorKey {
  createdAt: Date;
  id: number;
  /** The row's type, for lists that mix types (the trash). */
  kind?: string;
}

/** The validated paging arguments of one connection field. */
export interface Page {
  /** How many rows to return (0–{@link MAX_PAGE_SIZE}). */
  first: number;
  /** Return rows strictly after this position; `null` starts at the beginning. */
  after: CursorKey | null;
}

/** One page of a connection, shaped as the SDL's `XConnection` types. */
export interface Connection<TNode = unknown> {
  /** The read scope the rows came from, so the fields below know their visibility mode. */
  [READ_SCOPE]: Visibility;
  edges: { cursor: string; node: TNode; [READ_SCOPE]: Visibility }[];
  nodes: TNode[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  /** Resolved only when the client selects it, so unselected counts cost no query. */
  totalCount: () => Promise<number> | number;
}

/**
 * Validates a connection field's `first` and `after` arguments.
 * @throws BadUserInputError when `first` is out of range or `after` is not one of our cursors.
 */
export function parsePage(args: { first?: number | null; after?: string | null }): Page {
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw BadUserInputError.outOfRange('first', 0, MAX_PAGE_SIZE);
  }
  return { first, after: args.after == null ? null : decodeCursor(args.after) };
}

/** Encodes a row's position as an opaque cursor. */
export function encodeCursor(key: CursorKey): string {
  const kind = key.kind ? `:${key.kind}` : '';
  return Buffer.from(`${key.createdAt.getTime()}:${key.id}${kind}`, 'utf8').toString('base64url');
}

/** Decodes a cursor made by {@link encodeCursor}. @throws BadUserInputError otherwise. */
export function decodeCursor(cursor: string): CursorKey {
  if (cursor.length > 64 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw BadUserInputError.invalidCursor();
  const match = /^(\d{1,15}):(\d{1,15})(?::([A-Z][A-Za-z]{0,63}))?$/.exec(
    Buffer.from(cursor, 'base64url').toString('utf8'),
  );
  if (!match) throw BadUserInputError.invalidCursor();
  const createdAt = new Date(Number(match[1]));
  const id = Number(match[2]);
  if (Number.isNaN(createdAt.getTime()) || id < 1) throw BadUserInputError.invalidCursor();
  return match[3] ? { createdAt, id, kind: match[3] } : { createdAt, id };
}

/**
 * Builds a connection from rows fetched with `limit: page.first + 1`: the extra row only tells
 * whether another page follows.
 *
 * @param rows rows in list order, at most `page.first + 1` of them
 * @param keyOf the position a row's cursor encodes
 * @param nodeOf what the edge exposes (the row itself, or e.g. the user a follow row points at)
 * @param totalCount counts the whole list; called only when selected
 * @param visibility the read scope the rows came from
 * @param encode turns a row's position into its cursor (lists not ordered by time bring their own)
 */
export function buildConnection<TRow, TNode, TKey = CursorKey>(
  rows: TRow[],
  page: Page,
  keyOf: (row: TRow) => TKey,
  nodeOf: (row: TRow) => TNode,
  totalCount: () => Promise<number> | number,
  visibility: Visibility,
  encode: (key: TKey) => string = encodeCursor as unknown as (key: TKey) => string,
): Connection<TNode> {
  const pageRows = rows.slice(0, page.first);
  const edges = pageRows.map((row) => ({
    cursor: encode(keyOf(row)),
    node: nodeOf(row),
    [READ_SCOPE]: visibility,
  }));
  return {
    [READ_SCOPE]: visibility,
    edges,
    nodes: edges.map((edge) => edge.node),
    pageInfo: { hasNextPage: rows.length > page.first, endCursor: edges.at(-1)?.cursor ?? null },
    totalCount,
  };
}

/**
 * Resolvers every connection type shares. The compiled executor reads a property as it is, where
 * graphql-js's default resolver also calls functions and awaits promises: `totalCount` is a
 * function (so an unselected count costs no query), and `nodes`/`edges` may still be loading
 * (follows look their users up after the page).
 */
export const connectionResolvers = {
  totalCount: (connection: Connection) => connection.totalCount(),
  nodes: (connection: Connection) => connection.nodes,
  edges: (connection: Connection) => connection.edges,
};
