import { type QueryBuilder, raw } from '@mikro-orm/postgresql';
import type { ReadScope } from '../../context.js';
import { BadUserInputError } from '../../errors.js';
import { buildConnection, type Connection, type Page } from '../../graphql/connection.js';
import { cachedStatement, plainStatements, type Statement } from '../../soft-delete/index.js';
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
/**
 * Relevance as an integer (rank × 10⁶), so that cursors compare it exactly; written around the
 * filtered window (`"w"`), since the query builder writes a selected fragment's parameters into
 * the SQL, which would make every text a statement of its own.
 */
const SCORE = `(ts_rank_cd("w"."search_vector", websearch_to_tsquery('english', ?)) * 1000000)::bigint as "score"`;
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

/**
 * The statement of matching posts the scope may see, built once per mode and shape (see
 * `cachedStatement`): the soft-delete filter, with its joins, decides which.
 * @param shape names what `select` adds (columns, order, page size) and which `where` it takes
 * @param args the text, then the values `where`'s placeholders take
 */
function matching(
  scope: ReadScope,
  shape: string,
  args: readonly unknown[],
  select: (qb: QueryBuilder<Post>) => QueryBuilder<Post>,
  where?: string,
): Promise<{ sql: string; params: unknown[] }> {
  return cachedStatement(
    scope.em,
    scope.visibility,
    `search ${shape}`,
    (text, ...rest) => {
      const qb = scope.em.createQueryBuilder(Post, 'p').where(MATCH, [text]);
      if (where) qb.andWhere(where, rest);
      return select(qb as unknown as QueryBuilder<Post>);
    },
    args,
  );
}

/**
 * Runs a search statement with its text written in, planned for that text: how many posts match
 * decides the plan (a common word walks the newest-first index, a rare one reads the GIN index),
 * and a prepared statement's generic plan, kept after a few executions, would serve every word
 * with one of them.
 */
async function run(scope: ReadScope, statement: Statement): Promise<object[]> {
  // The scope's own entity manager carries the request's signal.
  return PLAIN(scope.em, statement);
}

const PLAIN = plainStatements();

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
  const limit = after ? size : size + 1;
  const inner = await matching(
    scope,
    `window ${direction} ${limit}`,
    after ? [text, isoOf(after.boundary.createdAtMs), after.boundary.id] : [text],
    (qb) =>
      qb
        .select([...KEY, raw('"p"."search_vector"')])
        .orderBy([{ createdAt: direction }, { id: direction }])
        .limit(limit),
    after ? AT_OR_AFTER : undefined,
  );
  // Scored around the window, so that the text is a parameter here too (see SCORE).
  const rows = await run(scope, {
    sql: `select "w"."id", "w"."created_ms", ${SCORE} from (${inner.sql}) as "w" order by "w"."created_ms" ${direction}, "w"."id" ${direction}`,
    params: [text, ...inner.params],
  });
  const found = (rows as unknown as WindowRow[]).map((row) => ({
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
  const statement = await matching(
    scope,
    `newest ${limit}`,
    [text, isoOf(from.createdAtMs), from.id],
    (qb) =>
      qb
        .select(KEY)
        .orderBy([{ createdAt: 'desc' }, { id: 'desc' }])
        .limit(limit),
    BEFORE,
  );
  const found = (await run(scope, statement)) as {
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
  const inner = await matching(scope, `count ${limit}`, [text], (qb) => qb.select(raw('1')).limit(limit));
  const [row] = (await run(scope, {
    sql: `select count(*)::int as n from (${inner.sql}) c`,
    params: inner.params,
  })) as { n: number }[];
  return row?.n ?? 0;
}

function isoOf(ms: number): string {
  return new Date(ms).toISOString();
}
