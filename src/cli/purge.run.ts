import type { EntityManager } from '@mikro-orm/core';
import { GraphQLError } from 'graphql';
import { withTransientRetries } from '../db/transient-retry.js';
import {
  countExpiredRoots,
  type ExpiredRootsFilter,
  expiredRoots,
  purgePreview,
  type SoftDelete,
  type TombstoneRow,
} from '../soft-delete/index.js';

/** How the audit log names the retention purge, which acts for no user. */
export const RETENTION_ACTOR = 'cli:purge';

/** What a retention run did (or, dry, would do) so far. */
export interface RetentionTally {
  /** Expired batch roots found when the run began. */
  total: number;
  /** Roots purged, by entity. */
  roots: Map<string, number>;
  /** Rows purged (roots and everything that went with them), by entity. */
  rows: Map<string, number>;
  /** Roots that were gone, restored or kept colliding with other writes by their turn; a rerun retries them. */
  skipped: number;
  /** True when the run stopped early because a stop was requested. */
  interrupted: boolean;
  /** Roots dealt with so far: purged or skipped. */
  done: number;
  /** Rows purged so far, all types. */
  rowCount: number;
}

/** Options of {@link runRetention}. */
export interface RetentionOptions {
  /** The ORM's entity manager; every root gets a fork of its own. */
  em: EntityManager;
  softDelete: SoftDelete;
  filter: ExpiredRootsFilter;
  /** Only read what would go. */
  dryRun: boolean;
  /** Asked before each root: true ends the run there, between two transactions. */
  stopRequested: () => boolean;
  /** Called once the expired roots are counted, before the first is purged. */
  onStart?: (total: number) => void;
  /** Called after each root with its rows (`Entity:id`), or null when it was skipped. */
  onRoot?: (root: TombstoneRow, refs: readonly string[] | null, tally: RetentionTally) => void;
  /** Roots read per query. @default 100 */
  pageSize?: number;
}

/**
 * Purges every batch root tombstoned before `filter.before`, oldest first, each in a transaction
 * of its own through `SoftDelete.purge` (the GraphQL purge mutation's path, audited with
 * {@link RETENTION_ACTOR} as the actor): locks are held for one batch at a time, so the server
 * keeps serving, and a stop between two roots leaves nothing half done. Whatever stops it, a
 * rerun finds what is left.
 *
 * @example
 * const tally = await runRetention({ em: orm.em, softDelete, filter, dryRun: false, stopRequested: () => false });
 */
export async function runRetention(options: RetentionOptions): Promise<RetentionTally> {
  const { softDelete, filter } = options;
  const counts = await countExpiredRoots(options.em.fork(), softDelete.model, filter);
  const tally: RetentionTally = {
    total: [...counts.values()].reduce((sum, n) => sum + n, 0),
    roots: new Map(),
    rows: new Map(),
    skipped: 0,
    interrupted: false,
    done: 0,
    rowCount: 0,
  };
  options.onStart?.(tally.total);
  // A dry run purges nothing, so rows beneath one root may lie beneath an earlier one too.
  const counted = new Set<string>();
  let after: TombstoneRow | null = null;
  for (;;) {
    const page = await expiredRoots(options.em.fork(), softDelete.model, {
      ...filter,
      after,
      limit: options.pageSize ?? 100,
    });
    if (page.length === 0) return tally;
    for (const root of page) {
      if (options.stopRequested()) {
        tally.interrupted = true;
        return tally;
      }
      after = root;
      const refs = options.dryRun ? await preview(options, root, counted) : await purge(options, root);
      if (refs) {
        add(tally.roots, root.entity, 1);
        for (const ref of refs) add(tally.rows, ref.slice(0, ref.indexOf(':')), 1);
        tally.rowCount += refs.length;
      } else tally.skipped++;
      tally.done++;
      options.onRoot?.(root, refs, tally);
    }
  }
}

/** Purges one root in its own transaction; null when the root is no longer one to purge. */
async function purge(options: RetentionOptions, root: TombstoneRow): Promise<string[] | null> {
  try {
    const result = await withTransientRetries(() =>
      options.softDelete.purge(options.em.fork(), root.entity, root.id, {
        actor: null,
        actorLabel: RETENTION_ACTOR,
      }),
    );
    return result.refs;
  } catch (error) {
    // Coded errors change nothing: purged or restored meanwhile (NOT_FOUND, CONFLICT), or a batch
    // that kept colliding with the server's writes (CONCURRENT_UPDATE). The next run sees it again.
    if (error instanceof GraphQLError) return null;
    throw error;
  }
}

/**
 * What purging one root would remove, leaving out the rows that an earlier root of the same run
 * (in `counted`) takes first, as the real run would; null when nothing is left to take.
 */
async function preview(
  options: RetentionOptions,
  root: TombstoneRow,
  counted: Set<string>,
): Promise<string[] | null> {
  const rows = await purgePreview(options.em.fork(), options.softDelete.model, root.entity, root.id);
  const refs = [...rows]
    .flatMap(([entity, ids]) => ids.map((id) => `${entity}:${id}`))
    .filter((ref) => !counted.has(ref));
  for (const ref of refs) counted.add(ref);
  return refs.length > 0 ? refs : null;
}

function add(counts: Map<string, number>, key: string, n: number): void {
  counts.set(key, (counts.get(key) ?? 0) + n);
}
