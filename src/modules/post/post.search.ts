import { type QueryBuilder, type RawQueryFragment, raw } from '@mikro-orm/postgresql';
import type { ReadScope } from '../../context.js';
import { BadUserInputError } from '../../errors.js';
import { buildConnection, type Connection, type Page } from '../../graphql/connection.js';
import type { PostRow } from '../rows.js';
import { Post } from './post.entity.js';
import { SEARCH_CURSOR, type SearchCursor } from './post.search-cursor.js';

/** Longest accepted search query, in characters. */
export const MAX_SEARCH_LENGTH = 200;

/** How much work one search request may do, whatever the number of posts that match. */
export interface SearchLimits {
  /** How many of the newest matches are ranked by relevance (`SEARCH_RANK_WINDOW`). */
  rankWindow: number;
  /** `totalCount` counts matches up to this many and reads this number beyond (`SEARCH_COUNT_LIMIT`). */
  countLimit: number;
}

/** The limits when the configuration gives none. */
export const DEFAULT_SEARCH_LIMITS: SearchLimits = { rankWindow: 200, countLimit: 10_000 };

const MATCH = `"p"."search_vector" @@ websearch_to_tsquery('english', ?)`;
/** A post's place in "newest first": `(created_at, id)`, as milliseconds (the column's precision). */
const KEY = [
  raw('"p"."id" as "id"'),
  raw('(extract(epoch from "p"."created_at") * 1000)::bigint as "created_ms"'),
];
/** Relevance as an integer (rank × 10⁶), so that cursors compare it exactly. */
const SCORE = `(ts_rank_cd("p"."search_vector", websearch_to_tsquery('english', ?)) * 1000000)::bigint as "score"`;
const BEFORE = `("p"."created_at", "p"."id") < (?::timestamptz, ?)`;
const AT_OR_AFTER = `("p"."created_at", "p"."id") >= (?::timestamptz, ?)`;

/** One result: its post id and its position, which its cursor encodes. */
interface Hit {
  id: number;
  cursor: SearchCursor;
}

/**
 * Full-text search over post titles and bodies with `websearch_to_tsquery` syntax in the
 * `english` configuration, in two runs, so that a request's work is bounded by
 * `limits.rankWindow` however many posts match:
 *
 * 1. the window: the `rankWindow` newest matches, best match first (`ts_rank_cd`, ties newest id
 *    first). A cursor carries the window's oldest member, so later pages rank the same window.
 * 2. every older match, newest first (`created_at`, then id), read straight off the live index.
 *
 * Reads through the scope's entity manager with the soft-delete filter applied, so for a live
 * reader tombstoned posts and posts by tombstoned authors never match.
 * @param page paging arguments parsed with {@link SEARCH_CURSOR}
 * @throws BadUserInputError for an empty query or one over 200 characters
 */
export async function searchPosts(
  scope: ReadScope,
  query: string,
  page: Page<SearchCursor>,
  limits: SearchLimits = DEFAULT_SEARCH_LIMITS,
): Promise<Connection<PostRow>> {
  const { first, after } = page;
  const text = query.trim();
  if (text.length === 0) throw BadUserInputError.invalidField('query', 'must not be empty');
  if (text.length > MAX_SEARCH_LENGTH) {
    throw BadUserInputError.invalidField('query', `must be at most ${MAX_SEARCH_LENGTH} characters long`);
  }
  const wanted = first + 1;
  let hits: Hit[] = [];
  if (first > 0) {
    let from: { createdAtMs: number; id: number } | null = null;
    if (after?.run === 'newest') {
      from = after;
    } else {
      const window = await rankedWindow(scope, text, limits.rankWindow, after, wanted);
      hits = window.hits;
      if (window.older) from = window.boundary;
    }
    if (from && hits.length < wanted) hits.push(...(await newest(scope, text, from, wanted - hits.length)));
  }
  const posts = await scope.loaders.post.loadMany(hits.map((hit) => hit.id));
  const rows = hits.flatMap((hit, i) => {
    const post = posts[i];
    return post && !(post instanceof Error) ? [{ post, cursor: hit.cursor }] : [];
  });
  return buildConnection(
    rows,
    page,
    (row) => row.cursor,
    (row) => row.post,
    () => countMatches(scope, text, limits.countLimit),
    scope.visibility,
    SEARCH_CURSOR,
  );
}

/** Matching posts the scope may see: the soft-delete filter, with its joins, decides which. */
async function matches(
  scope: ReadScope,
  text: string,
  where?: RawQueryFragment,
): Promise<QueryBuilder<Post>> {
  const qb = scope.em.createQueryBuilder(Post, 'p').where(raw(MATCH, [text]));
  if (where) qb.andWhere(where);
  await qb.applyFilters();
  return qb as unknown as QueryBuilder<Post>;
}

/**
 * The ranked run from its start or from a cursor in it. On the first page the window is the
 * `size + 1` newest matches (the extra one only tells whether older matches exist); from a
 * cursor it is the `size` matches from the cursor's boundary on, oldest first, which is the same
 * window as long as nothing in it was deleted: posts written since are newer and stay outside.
 * PostgreSQL walks the `(created_at, id)` index and tests each post against the query until it
 * has the window (for a rare word it reads the GIN index instead) and scores only the window;
 * ordering at most `size` scored ids here keeps the statement simple to plan.
 */
async function rankedWindow(
  scope: ReadScope,
  text: string,
  size: number,
  after: Extract<SearchCursor, { run: 'ranked' }> | null,
  wanted: number,
): Promise<{ hits: Hit[]; boundary: { createdAtMs: number; id: number } | null; older: boolean }> {
  const direction = after ? 'asc' : 'desc';
  const qb = (
    await matches(
      scope,
      text,
      after ? raw(AT_OR_AFTER, [isoOf(after.boundary.createdAtMs), after.boundary.id]) : undefined,
    )
  )
    .select([...KEY, raw(SCORE, [text])])
    .orderBy([{ createdAt: direction }, { id: direction }])
    .limit(after ? size : size + 1);
  const found = ((await qb.execute('all', false)) as unknown as WindowRow[]).map((row) => ({
    id: Number(row.id),
    createdAtMs: Number(row.created_ms),
    score: Number(row.score),
  }));
  // Newest first on the first page: the window is all but the extra row, its oldest member last.
  const window = after ? found : found.slice(0, size);
  const oldest = after ? after.boundary : window.at(-1);
  if (!oldest) return { hits: [], boundary: null, older: false };
  const boundary = { createdAtMs: oldest.createdAtMs, id: oldest.id };
  const older = after ? after.older : found.length > size;
  const hits = window
    .filter((row) => !after || row.score < after.score || (row.score === after.score && row.id < after.id))
    .sort((a, b) => b.score - a.score || b.id - a.id)
    .slice(0, wanted)
    .map((row) => ({
      id: row.id,
      cursor: { run: 'ranked', boundary, older, score: row.score, id: row.id } as const,
    }));
  return { hits, boundary, older };
}

interface WindowRow {
  id: number | string;
  created_ms: number | string;
  score: number | string;
}

/** The newest-first run: matches strictly older than `from`, newest first. */
async function newest(
  scope: ReadScope,
  text: string,
  from: { createdAtMs: number; id: number },
  limit: number,
): Promise<Hit[]> {
  const qb = (await matches(scope, text, raw(BEFORE, [isoOf(from.createdAtMs), from.id])))
    .select(KEY)
    .orderBy([{ createdAt: 'desc' }, { id: 'desc' }])
    .limit(limit);
  const found = (await qb.execute('all', false)) as unknown as {
    id: number | string;
    created_ms: number | string;
  }[];
  return found.map((row) => ({
    id: Number(row.id),
    cursor: { run: 'newest', createdAtMs: Number(row.created_ms), id: Number(row.id) },
  }));
}

/** How many posts match, counted up to `limit` (so a common word costs no more than a rare one). */
async function countMatches(scope: ReadScope, text: string, limit: number): Promise<number> {
  const inner = (await matches(scope, text)).select(raw('1')).limit(limit).toQuery();
  const [row] = await scope.em.execute<{ n: number }[]>(`select count(*)::int as n from (${inner.sql}) c`, [
    ...inner.params,
  ]);
  return row?.n ?? 0;
}

function isoOf(ms: number): string {
  return new Date(ms).toISOString();
}
