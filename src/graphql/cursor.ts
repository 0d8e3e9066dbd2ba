import { BadUserInputError } from '../errors.js';

/**
 * How one list order writes its positions: `encode` gives the text a cursor carries, `decode`
 * reads it back or returns `null` for text it did not write.
 */
export interface CursorFormat<TKey> {
  encode(key: TKey): string;
  decode(text: string): TKey | null;
}

/** The position of a row in a list ordered by `(createdAt, id)`: what a keyset cursor encodes. */
export interface CursorKey {
  createdAt: Date;
  id: number;
  /** The row's type, for lists that mix types (the trash). */
  kind?: string;
}

/** Positions in `(createdAt, id)` order: `<epoch ms>:<id>`, then `:<Type>` in the trash. */
export const KEYSET_CURSOR: CursorFormat<CursorKey> = {
  encode: (key) => `${key.createdAt.getTime()}:${key.id}${key.kind ? `:${key.kind}` : ''}`,
  decode(text) {
    const match = /^(\d{1,15}):(\d{1,15})(?::([A-Z][A-Za-z]{0,63}))?$/.exec(text);
    if (!match) return null;
    const createdAt = new Date(Number(match[1]));
    const id = Number(match[2]);
    if (Number.isNaN(createdAt.getTime()) || id < 1) return null;
    return match[3] ? { createdAt, id, kind: match[3] } : { createdAt, id };
  },
};

/** Longer cursors are refused before they are decoded. */
const MAX_CURSOR_LENGTH = 256;

/**
 * Encodes a position in `list` as an opaque cursor. Every cursor names its list (the schema
 * coordinate of the connection field, e.g. `User.posts`), so that one list refuses another's
 * cursors instead of reading them as positions in its own order.
 */
export function encodeCursor<TKey>(
  list: string,
  key: TKey,
  format: CursorFormat<TKey> = KEYSET_CURSOR as unknown as CursorFormat<TKey>,
): string {
  return Buffer.from(`${list}|${format.encode(key)}`, 'utf8').toString('base64url');
}

/**
 * Decodes a cursor that {@link encodeCursor} made for `list`.
 * @throws BadUserInputError for anything else, a cursor of another list included
 */
export function decodeCursor<TKey>(
  list: string,
  cursor: string,
  format: CursorFormat<TKey> = KEYSET_CURSOR as unknown as CursorFormat<TKey>,
): TKey {
  if (cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) {
    throw BadUserInputError.invalidCursor(list);
  }
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const separator = text.indexOf('|');
  const key = text.slice(0, separator) === list ? format.decode(text.slice(separator + 1)) : null;
  if (key === null) throw BadUserInputError.invalidCursor(list);
  return key;
}
