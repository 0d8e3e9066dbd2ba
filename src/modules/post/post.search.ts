import { raw } from '@mikro-orm/postgresql';
import type { ReadScope } from '../../context.js';
import { BadUserInputError } from '../../errors.js';
import { buildConnection, type Connection, type Page } from '../../graphql/connection.js';
import type { PostRow } from '../rows.js';
import { Post } from './post.entity.js';

/** Longest accepted search query, in characters. */
export const MAX_SEARCH_LENGTH = 200;

/** Where a search result stands: its relevance score (rank × 10⁶, an integer) and id. */
interface SearchKey {
  score: number;
  id: number;
}

const MATCH = `"search_vector" @@ websearch_to_tsquery('english', ?)`;
const SCORE = `(ts_rank_cd("search_vector", websearch_to_tsquery('english', ?)) * 1000000)::bigint`;

/**
 * Full-text search over post titles and bodies, best match first (ties: newest id first), with
 * `websearch_to_tsquery` syntax in the `english` configuration. Reads through the scope's entity
 * manager with the soft-delete filter applied, so for a live reader tombstoned posts and posts by
 * tombstoned authors never match.
 * @param page `first` only: search cursors (relevance, id) are read from `afterCursor`
 * @throws BadUserInputError for an empty query, one over 200 characters, or a foreign cursor
 */
export async function searchPosts(
  scope: ReadScope,
  query: string,
  page: Page,
  afterCursor: string | null | undefined,
): Promise<Connection<PostRow>> {
  const { first } = page;
  const text = query.trim();
  if (text.length === 0) throw BadUserInputError.invalidField('query', 'must not be empty');
  if (text.length > MAX_SEARCH_LENGTH) {
    throw BadUserInputError.invalidField('query', `must be at most ${MAX_SEARCH_LENGTH} characters long`);
  }
  const after = afterCursor == null ? null : decodeSearchCursor(afterCursor);
  const matches = async () => {
    const qb = scope.em.createQueryBuilder(Post, 'p').where(raw(MATCH, [text]));
    // The soft-delete filter, with its joins: exactly what the scope may see.
    await qb.applyFilters();
    return qb;
  };
  let hits: { id: number; score: string | number }[] = [];
  if (first > 0) {
    const qb = (await matches()).select([raw('"p"."id" as id'), raw(`${SCORE} as score`, [text])]);
    if (after) {
      qb.andWhere(raw(`(${SCORE}, "p"."id") < (?, ?)`, [text, after.score, after.id]));
    }
    qb.orderBy([{ [raw('score')]: 'desc' }, { id: 'desc' }] as never).limit(first + 1);
    hits = (await qb.execute('all', false)) as typeof hits;
  }
  const posts = await scope.loaders.post.loadMany(hits.map((hit) => Number(hit.id)));
  const rows = hits.flatMap((hit, i) => {
    const post = posts[i];
    return post && !(post instanceof Error)
      ? [{ post, key: { score: Number(hit.score), id: Number(hit.id) } }]
      : [];
  });
  return buildConnection(
    rows,
    page,
    (row) => row.key,
    (row) => row.post,
    async () => (await matches()).getCount(),
    scope.visibility,
    encodeSearchCursor,
  );
}

function encodeSearchCursor(key: SearchKey): string {
  return Buffer.from(`search:${key.score}:${key.id}`, 'utf8').toString('base64url');
}

function decodeSearchCursor(cursor: string): SearchKey {
  const match = /^search:(\d{1,15}):(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (cursor.length > 64 || !match) throw BadUserInputError.invalidCursor();
  return { score: Number(match[1]), id: Number(match[2]) };
}
