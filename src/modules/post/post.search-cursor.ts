import type { CursorFormat } from '../../graphql/cursor.js';

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

const N = '(\\d{1,15})';
const RANKED = new RegExp(`^r:${N}:${N}:([01]):${N}:${N}$`);
const NEWEST = new RegExp(`^n:${N}:${N}$`);

/**
 * How search positions are written into cursors (which `encodeCursor` binds to `Query.search`):
 * `r:<boundary ms>:<boundary id>:<older>:<score>:<id>` in the ranked window, `n:<ms>:<id>` after it.
 */
export const SEARCH_CURSOR: CursorFormat<SearchCursor> = {
  encode: (cursor) =>
    cursor.run === 'ranked'
      ? `r:${cursor.boundary.createdAtMs}:${cursor.boundary.id}:${cursor.older ? 1 : 0}:${cursor.score}:${cursor.id}`
      : `n:${cursor.createdAtMs}:${cursor.id}`,
  decode(text) {
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
    return newest ? { run: 'newest', createdAtMs: Number(newest[1]), id: Number(newest[2]) } : null;
  },
};
