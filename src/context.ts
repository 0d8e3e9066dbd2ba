import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type DataLoader from 'dataloader';
import type { TokenVerifier } from './auth/token.service.js';
import type { Viewer } from './auth/viewer.js';
import { entityLoader } from './db/entity-loader.js';
import { ListLoaders } from './db/list-loaders.js';
import { type RetryOptions, withTransientRetries } from './db/transient-retry.js';
import { UnauthenticatedError } from './errors.js';
import { fromGlobalId } from './graphql/global-id.js';
import { Comment } from './modules/comment/comment.entity.js';
import { Post } from './modules/post/post.entity.js';
import { DEFAULT_SEARCH_LIMITS, type SearchLimits } from './modules/post/post.search.js';
import type { CommentRow, PostRow, UserRow } from './modules/rows.js';
import { User } from './modules/user/user.entity.js';
import {
  plainStatements,
  preparedStatements,
  RequestReads,
  type SoftDelete,
  type StatementReader,
  type StatementRunner,
  type ReadScope as ToolkitReadScope,
} from './soft-delete/index.js';

/** Per-request loaders of one visibility mode. */
export interface Loaders {
  user: DataLoader<number, UserRow | null>;
  post: DataLoader<number, PostRow | null>;
  comment: DataLoader<number, CommentRow | null>;
  /** Nested lists and their counts, batched per field across parents. */
  lists: ListLoaders;
  /** Runs the scope's read statements: prepared, cancelled with the request. */
  run: StatementRunner;
  /** What the loaders build and run their statements through, shared by every request (`statementReader`). */
  reader: StatementReader;
}

/** One request's reads in one visibility mode: its own entity manager and its loaders. */
export type ReadScope = ToolkitReadScope<Loaders, EntityManager>;

/**
 * What every resolver receives. Nothing in it is shared between requests but the loaders'
 * statement readers, which keep nothing (see `statementReader`).
 */
export interface GraphQLContext {
  /** The authenticated user, or `null` for an anonymous request. */
  viewer: Viewer | null;
  softDelete: SoftDelete;
  /**
   * Reads as this request sees them: one entity manager and one set of loaders per visibility
   * mode, and the rules for which mode a field reads in (see `RequestReads`).
   */
  reads: RequestReads<Loaders, EntityManager>;
  /**
   * Runs one mutation on a fresh entity manager, then drops every read cache of the request, so
   * that later fields (and the mutation's own payload) read the state after the write. `work`
   * must be one transaction (or several idempotent ones): it runs again, from scratch, when the
   * database reports a deadlock, a serialization failure or an invariant guard refusing a write
   * that a concurrent delete made stale.
   */
  write<T>(work: (em: EntityManager) => Promise<T>): Promise<T>;
  /**
   * Aborts when the client goes away. The request's own entity managers carry it and the loaders'
   * runner passes it with each statement: queries not yet sent fail at once, and a running one
   * is cancelled in PostgreSQL (a CancelRequest, see `cancelOnAbort`).
   */
  signal: AbortSignal;
  /** How much of the matches one search ranks and counts. */
  search: SearchLimits;
}

/** What {@link createContext} needs from the running app. */
export interface ContextDependencies {
  orm: MikroORM;
  softDelete: SoftDelete;
  verifyToken: TokenVerifier;
  /** How writes that collide with concurrent ones are retried. */
  retry?: RetryOptions;
  /** Search's work bounds; {@link DEFAULT_SEARCH_LIMITS} when omitted. */
  search?: SearchLimits;
  /** Whether reads run as named prepared statements (see `preparedStatements`); default true. */
  preparedStatements?: boolean;
}

/**
 * A plain object, not a class with private fields: Apollo Server shallow-copies the context for
 * each operation, and a copy would lose access to private state.
 */
function requestContext(deps: ContextDependencies, signal: AbortSignal): GraphQLContext {
  // Every entity manager of the request carries the signal, and the loaders' runner passes it
  // with each statement (they share a statement reader per mode, see `statementReader`): a
  // statement not yet sent fails at once. One already running is cancelled by the database
  // client (see `cancelOnAbort`), not by Kysely, whose `cancel query` opens a session per statement.
  const abort = { signal, inflightQueryAbortStrategy: 'ignore query' } as const;
  const run = deps.preparedStatements === false ? plainStatements(abort) : preparedStatements(abort);
  const reads = new RequestReads<Loaders, EntityManager>(
    deps.orm.em,
    abort,
    deps.softDelete,
    (reader, visibility, fields) => ({
      user: entityLoader(reader, User, visibility, run, fields),
      post: entityLoader(reader, Post, visibility, run, fields),
      comment: entityLoader(reader, Comment, visibility, run, fields),
      lists: new ListLoaders(reader, visibility, run, fields),
      run,
      reader,
    }),
  );
  const context: GraphQLContext = {
    viewer: null,
    softDelete: deps.softDelete,
    reads,
    signal,
    search: deps.search ?? DEFAULT_SEARCH_LIMITS,
    async write(work) {
      try {
        // Each attempt starts from a fresh entity manager: a retried transaction re-reads everything.
        return await withTransientRetries(async () => {
          const em = reads.fork();
          // A viewer who deleted themself earlier in this operation acts no more.
          if (context.viewer && (await em.count(User, { id: context.viewer.userId })) === 0) {
            throw UnauthenticatedError.invalidToken();
          }
          return await work(em);
        }, deps.retry);
      } finally {
        reads.reset();
      }
    },
  };
  return context;
}

/**
 * Builds a request's context. A request without an `Authorization` header is anonymous; one
 * with an invalid token, or a token for a user that does not exist or is deleted, is refused
 * with UNAUTHENTICATED rather than silently treated as anonymous.
 *
 * @param signal aborts the request's database work when the client disconnects
 */
export async function createContext(
  deps: ContextDependencies,
  authorization: string | undefined,
  signal: AbortSignal = new AbortController().signal,
): Promise<GraphQLContext> {
  const context = requestContext(deps, signal);
  if (authorization === undefined || authorization === '') return context;

  const claims = await deps.verifyToken(authorization);
  const subject = fromGlobalId(claims.sub);
  const user =
    subject?.type === 'User' ? await context.reads.scope('live').loaders.user.load(subject.id) : null;
  if (!user) throw UnauthenticatedError.invalidToken();
  context.viewer = { userId: user.id, scopes: new Set(claims.scopes) };
  return context;
}
