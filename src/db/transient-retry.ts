import { ConcurrentUpdateError, ConflictError } from '../errors.js';
import { HIDDEN_PARENT_SQLSTATE, LIVE_CHILDREN_SQLSTATE } from '../soft-delete/index.js';

/**
 * SQLSTATEs that mean "another transaction got in the way; the same work, started again, will
 * see its result": serialization failures, deadlocks, and the invariant guard refusing a row under
 * a parent that a concurrent delete tombstoned (the retry then answers as for a deleted parent).
 */
const TRANSIENT = new Set(['40001', '40P01', HIDDEN_PARENT_SQLSTATE]);

/** How a write is retried. */
export interface RetryOptions {
  /** Attempts after the first. @default 5 */
  retries?: number;
  /** The first back-off; each later one doubles, with jitter. @default 10 */
  baseDelayMs?: number;
}

/** The SQLSTATE of a database error, looking through wrappers (`cause`, the ORM's exceptions). */
export function sqlStateOf(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const { code, sqlState, cause } = current as { code?: unknown; sqlState?: unknown; cause?: unknown };
    if (typeof sqlState === 'string' && sqlState.length === 5) return sqlState;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    current = cause;
  }
  return undefined;
}

/**
 * Runs `attempt` (one whole transaction, on fresh state each time) and runs it again when the
 * database reports a transient conflict, a bounded number of times with jittered exponential
 * back-off. What survives the retries is answered with a coded client error, never as an internal
 * error: `CONCURRENT_UPDATE` (retryable) for deadlocks and serialization failures, `CONFLICT` for
 * the invariant guards' refusals.
 */
export async function withTransientRetries<T>(
  attempt: () => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const retries = options.retries ?? 5;
  const base = options.baseDelayMs ?? 10;
  for (let tries = 0; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      const state = sqlStateOf(error);
      if (state === undefined || !(TRANSIENT.has(state) || state === LIVE_CHILDREN_SQLSTATE)) throw error;
      if (state !== LIVE_CHILDREN_SQLSTATE && tries < retries) {
        await new Promise((resolve) => setTimeout(resolve, base * 2 ** tries * (0.5 + Math.random())));
        continue;
      }
      if (state === HIDDEN_PARENT_SQLSTATE || state === LIVE_CHILDREN_SQLSTATE) {
        throw ConflictError.invariant((error as Error).message, { cause: error });
      }
      throw ConcurrentUpdateError.gaveUp(tries + 1, { cause: error });
    }
  }
}
