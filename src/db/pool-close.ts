import { setTimeout as sleep } from 'node:timers/promises';
import type { MikroORM } from '@mikro-orm/postgresql';

/** How often a closing pool is looked at while connections are still out. */
const SETTLE_POLL_MS = 10;

/** The counts of `pg`'s pool that say whether anything still uses it. */
interface PoolCounts {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

/** True when no one waits for a connection and every connection is back in the pool. */
function poolSettled(pool: PoolCounts): boolean {
  return pool.waitingCount === 0 && pool.idleCount === pool.totalCount;
}

/**
 * Closes `orm` once its pool has settled ({@link poolSettled}), or gives up when `signal` aborts
 * (the pool is then left to the process's exit).
 *
 * Why wait: a request whose client disconnects stops waiting for its connection at once, but the
 * acquisition goes on in the background and Kysely releases the connection when it arrives. Its
 * driver forgets the pool the moment it is destroyed, so a connection that arrives after that (a
 * new one still being opened) is never released, and `pg`'s `end()` waits for it forever: a
 * shutdown right after a burst of abandoned requests hung for the whole grace period. After the
 * HTTP drain nothing new asks for a connection, so the pool settles as soon as those stragglers
 * come back.
 *
 * @example
 * await stopInOrder({ …, closePool: (signal) => closeSettledPool(orm, signal) }, graceMs);
 */
export async function closeSettledPool(orm: MikroORM, signal?: AbortSignal): Promise<void> {
  const pool = await orm.em.getConnection().getNativeClient();
  while (!poolSettled(pool)) {
    if (signal?.aborted) return;
    await sleep(SETTLE_POLL_MS, undefined, { signal }).catch(() => {});
  }
  await orm.close();
}
