import type { EntityManager } from '@mikro-orm/core';
import type { SoftDelete } from './soft-delete.service.js';

/**
 * - `live`: tombstones, and rows under hidden required parents, are hidden.
 * - `all`: an auditor's `includeDeleted: true`; everything is visible, and fields below inherit it.
 * - `tombstones`: rows listed *because* they are tombstones (the trash); they and their to-one
 *   parents are readable, but lists below them default to `live`.
 */
export type Visibility = 'live' | 'all' | 'tombstones';

/** An entity manager, and whatever per-request caches sit on it, for one visibility mode. */
export interface ReadScope<TLoaders, TEm extends EntityManager = EntityManager> {
  visibility: Visibility;
  /** Whether this scope's reads include tombstones. */
  includesDeleted: boolean;
  /** The mode list fields below an object of this scope default to. */
  inherits: 'live' | 'all';
  em: TEm;
  loaders: TLoaders;
}

/** What the visibility guard asks of a request's reads (see {@link RequestReads}). */
export interface ScopeResolver {
  listScope(parent: unknown, args: { includeDeleted?: boolean | null }): { includesDeleted: boolean };
  scopeOf(value: unknown): { includesDeleted: boolean };
}

/**
 * Tags a value (a row, a connection, an edge) with the visibility mode it was read in. Rows are
 * tagged once, when a loader reads them; every later step reads the tag instead of deciding again.
 */
export const READ_SCOPE = Symbol('tombstone.readScope');

/**
 * One request's reads, one scope per visibility mode, created on first use. Scopes never share
 * an entity manager or a loader: MikroORM's identity map answers `findOne` by primary key without
 * a query, so a shared one would hand a tombstone loaded for an auditor to the next plain read.
 *
 * It also decides which scope a field reads in: a field with an `includeDeleted` argument uses
 * it, and otherwise inherits its parent's mode; a to-one field follows the scope its parent was
 * read in. `includeDeleted: true` itself is gated before execution (audit:read), so only auditors
 * ever reach the `all` mode.
 */
export class RequestReads<TLoaders, TEm extends EntityManager = EntityManager> implements ScopeResolver {
  readonly #scopes = new Map<Visibility, ReadScope<TLoaders, TEm>>();

  /**
   * @param root the ORM's root entity manager (never used directly: scopes fork it)
   * @param loaders builds one scope's loaders on its entity manager; rows they read are tagged
   *   with `visibility`
   */
  constructor(
    private readonly root: TEm,
    private readonly softDelete: SoftDelete,
    private readonly loaders: (em: TEm, visibility: Visibility) => TLoaders,
  ) {}

  /** The scope of one mode. */
  scope(visibility: Visibility = 'live'): ReadScope<TLoaders, TEm> {
    let scope = this.#scopes.get(visibility);
    if (!scope) {
      const includesDeleted = visibility !== 'live';
      const em = includesDeleted
        ? this.softDelete.forkIncludingDeleted(this.root)
        : (this.root.fork() as TEm);
      scope = {
        visibility,
        includesDeleted,
        inherits: visibility === 'all' ? 'all' : 'live',
        em,
        loaders: this.loaders(em, visibility),
      };
      this.#scopes.set(visibility, scope);
    }
    return scope;
  }

  /** The scope a value was read in, from its tag; untagged values are `live`. */
  scopeOf(value: unknown): ReadScope<TLoaders, TEm> {
    if (typeof value !== 'object' || value === null) return this.scope('live');
    return this.scope((value as { [READ_SCOPE]?: Visibility })[READ_SCOPE] ?? 'live');
  }

  /** The scope of a list or lookup field: `includeDeleted` when given, else the parent's inherited mode. */
  listScope(parent: unknown, args: { includeDeleted?: boolean | null }): ReadScope<TLoaders, TEm> {
    if (args.includeDeleted != null) return this.scope(args.includeDeleted ? 'all' : 'live');
    return this.scope(parent === undefined ? 'live' : this.scopeOf(parent).inherits);
  }

  /** Drops every scope, so that reads after a write see its result. */
  reset(): void {
    this.#scopes.clear();
  }
}
