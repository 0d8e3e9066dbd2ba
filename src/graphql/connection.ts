import type { GraphQLArgument, GraphQLObjectType } from 'graphql';
import { BadUserInputError } from '../errors.js';
import { READ_SCOPE, type Visibility } from '../soft-delete/index.js';
import { type CursorFormat, type CursorKey, decodeCursor, encodeCursor, KEYSET_CURSOR } from './cursor.js';

/** `first` when neither the client nor the field's SDL gives one. */
export const DEFAULT_PAGE_SIZE = 20;
/** The largest `first` a client may ask for. */
export const MAX_PAGE_SIZE = 100;

/**
 * The page size a connection field uses when `first` is omitted or null: the default its SDL
 * declares (`first: Int = 5`), so the schema tells clients, and the row limit counts, what the
 * resolver will do.
 */
export function defaultPageSize(field: { args: readonly GraphQLArgument[] }): number {
  const declared = field.args.find((arg) => arg.name === 'first')?.defaultValue;
  return typeof declared === 'number' ? declared : DEFAULT_PAGE_SIZE;
}

/** The validated paging arguments of one connection field. */
export interface Page<TKey = CursorKey> {
  /** How many rows to return (0–{@link MAX_PAGE_SIZE}). */
  first: number;
  /** Return rows strictly after this position; `null` starts at the beginning. */
  after: TKey | null;
  /** The list's schema coordinate (`User.posts`): its cursors carry it, and only its cursors are accepted. */
  list: string;
}

/** Where a connection field sits in the schema: the part of `GraphQLResolveInfo` paging reads. */
export interface ListField {
  parentType: GraphQLObjectType;
  fieldName: string;
}

/** One edge of a connection. */
export interface Edge<TNode = unknown> {
  cursor: string;
  node: TNode;
  [READ_SCOPE]: Visibility;
}

/** One page of a connection, shaped as the SDL's `XConnection` types. */
export interface Connection<TNode = unknown> {
  /** The read scope the rows came from, so the fields below know their visibility mode. */
  [READ_SCOPE]: Visibility;
  /** Built only when the client selects them: a cursor per row costs an encoding each. */
  edges: () => Edge<TNode>[] | Promise<Edge<TNode>[]>;
  nodes: TNode[];
  /** Built only when the client selects it: its `endCursor` costs an encoding. */
  pageInfo: () => { hasNextPage: boolean; endCursor: string | null };
  /** Resolved only when the client selects it, so unselected counts cost no query. */
  totalCount: () => Promise<number> | number;
}

/**
 * Validates a connection field's `first` and `after` arguments.
 * @param field the resolver's `info`: names the list whose cursors `after` must be, and gives
 *   the default page size
 * @param format how this list's cursors encode positions (keyset positions unless given)
 * @throws BadUserInputError when `first` is out of range or `after` is not a cursor of this list.
 */
export function parsePage<TKey = CursorKey>(
  args: { first?: number | null; after?: string | null },
  field: ListField,
  format: CursorFormat<TKey> = KEYSET_CURSOR as unknown as CursorFormat<TKey>,
): Page<TKey> {
  const list = `${field.parentType.name}.${field.fieldName}`;
  const definition = field.parentType.getFields()[field.fieldName];
  const first = args.first ?? (definition ? defaultPageSize(definition) : DEFAULT_PAGE_SIZE);
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw BadUserInputError.outOfRange('first', 0, MAX_PAGE_SIZE);
  }
  return { first, list, after: args.after == null ? null : decodeCursor(list, args.after, format) };
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
 * @param format how positions are written into cursors (lists not ordered by time bring their own)
 */
export function buildConnection<TRow, TNode, TKey = CursorKey>(
  rows: TRow[],
  page: Page<TKey>,
  keyOf: (row: TRow) => TKey,
  nodeOf: (row: TRow) => TNode,
  totalCount: () => Promise<number> | number,
  visibility: Visibility,
  format: CursorFormat<TKey> = KEYSET_CURSOR as unknown as CursorFormat<TKey>,
): Connection<TNode> {
  const pageRows = rows.slice(0, page.first);
  const cursor = (row: TRow) => encodeCursor(page.list, keyOf(row), format);
  let edges: Edge<TNode>[] | undefined;
  const last = pageRows.at(-1);
  return {
    [READ_SCOPE]: visibility,
    edges: () => {
      edges ??= pageRows.map((row) => ({ cursor: cursor(row), node: nodeOf(row), [READ_SCOPE]: visibility }));
      return edges;
    },
    nodes: pageRows.map(nodeOf),
    pageInfo: () => ({
      hasNextPage: rows.length > page.first,
      endCursor: last === undefined ? null : cursor(last),
    }),
    totalCount,
  };
}

/**
 * Resolvers every connection type shares. The compiled executor reads a property as it is, where
 * graphql-js's default resolver also calls functions and awaits promises: `totalCount` is a
 * function (so an unselected count costs no query) and so are `edges` and `pageInfo` (so
 * unselected cursors cost no encoding), and `nodes` may still be loading (follows look their
 * users up after the page).
 */
export const connectionResolvers = {
  totalCount: (connection: Connection) => connection.totalCount(),
  nodes: (connection: Connection) => connection.nodes,
  edges: (connection: Connection) => connection.edges(),
  pageInfo: (connection: Connection) => connection.pageInfo(),
};
