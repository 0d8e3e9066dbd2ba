import { BadUserInputError } from '../../errors.js';

/**
 * Where a search walk stands. Search results come in two runs (see `post.search.ts`): the ranked
 * window of the newest matches, then every older match newest first. A cursor in the window
 * carries the window's oldest member, so every later page ranks the same window however many
 * posts are written meanwhile.
 */
export type SearchCursor =
  | {
      run: 'ranked';
      /** The window's oldest member: the window is every match at or after it, at most the bound. */
      boundary: { createdAtMs: number; id: number };
      /** Whether older matches existed when the window was drawn (else the walk ends with it). */
      older: boolean;
      /** Relevance × 10⁶, an integer, of the last result returned. */
      score: number;
      id: number;
    }
  | { run: 'newest'; createdAtMs: number; id: number };

const PREFIX = 'search:';
const N = '(\\d{1,15})';
const RANKED = new RegExp(`^${PREFIX}r:${N}:${N}:([01]):${N}:${N}$`);
const NEWEST = new RegExp(`^${PREFIX}n:${N}:${N}$`);

/** Encodes a search position as an opaque cursor, distinct from every other list's. */
export function encodeSearchCursor(cursor: SearchCursor): string {
  const text =
    cursor.run === 'ranked'
      ? `${PREFIX}r:${cursor.boundary.createdAtMs}:${cursor.boundary.id}:${cursor.older ? 1 : 0}:${cursor.score}:${cursor.id}`
      : `${PREFIX}n:${cursor.createdAtMs}:${cursor.id}`;
  return Buffer.from(text, 'utf8').toString('base64url');
}

/** Decodes a cursor made by {@link encodeSearchCursor}. @throws BadUserInputError otherwise. */
export function decodeSearchCursor(cursor: string): SearchCursor {
  if (cursor.length > 128 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw BadUserInputError.invalidCursor();
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const ranked = RANKED.exec(text);
  if (ranked) {
    const [, at, boundaryId, older, score, id] = ranked.map(Number);
    return {
      run: 'ranked',
      boundary: { createdAtMs: at as number, id: boundaryId as number },
      older: older === 1,
      score: score as number,
      id: id as number,
    };
  }
  const newest = NEWEST.exec(text);
  if (newest) return { run: 'newest', createdAtMs: Number(newest[1]), id: Number(newest[2]) };
  throw BadUserInputError.invalidCursor();
}
