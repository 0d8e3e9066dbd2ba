import type { EntityManager, EntityMetadata } from '@mikro-orm/core';
import type { AbortOptions } from './prepared.statement.js';
import type { RowProjection } from './row-projection.js';
import { rowFields } from './rows.js';
import type { SoftDelete } from './soft-delete.service.js';
import { type StatementReader, statementReader } from './statement.reader.js';

/**
 * - `live`: tombstones are hidden (and, by the database's invariant, every row under one).
 * - `all`: tombstones are visible: an auditor's `includeDeleted: true`, the trash, the audit log,
 *   and the to-one parents of rows read that way.
 */
export type Visibility = 'live' | 'all';

/** One request's reads in one visibility mode: its entity manager, loaders and columns. */
export interface ReadScope<TLoaders, TEm extends EntityManager = EntityManager> {
  visibility: Visibility;
  /** Whether this scope's reads include tombstones. */
  includesDeleted: boolean;
  /**
   * The request's own entity manager in this mode, carrying its abort signal: for reads through
   * the ORM's own methods (`count`, a query builder's `execute`). Forked on first use: a request
   * that only loads rows never forks one.
   */
  readonly em: TEm;
  loaders: TLoaders;
  /** The properties this request's reads of an entity select (see {@link RequestReads.project}). */
  fields: RowFields;
}

/** The properties a read of `meta`'s rows selects. */
export type RowFields = (meta: EntityMetadata) => readonly string[];

/** What the visibility guard asks of a request's reads (see {@link RequestReads}). */
export interface ScopeResolver {
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
 * It also decides which scope a field reads in, from nothing but the field's own arguments and
 * the row it hangs from, so that a field's value never depends on arguments given above it (a
 * client cache keys it by parent and arguments alone): a list, count or lookup reads in the mode
 * its own `includeDeleted` asks for (default live); a to-one field returns the stored parent of a
 * row to whoever can see the row, reading in the mode the row was read in. For a live row both
 * modes give the same parent, since the database keeps a live row's required parents live; a
 * tombstone (reachable in `all` mode only) shows its parents as they are. `includeDeleted: true`
 * is gated before execution (audit:read); the trash and the audit log read in `all` mode too.
 */
export class RequestReads<TLoaders, TEm extends EntityManager = EntityManager> implements ScopeResolver {
  readonly #scopes = new Map<Visibility, ReadScope<TLoaders, TEm>>();
  #projection: RowProjection | undefined;
  /** Whether an operation has set the projection (a second one that differs clears it). */
  #projected = false;
  /** The request's own entity manager, once a scope's `em` was asked for. */
  #own: TEm | undefined;

  /** What reads select now: the operation's projection once set, whole rows before. */
  readonly fields: RowFields = (meta) => this.#projection?.get(meta.className) ?? rowFields(meta);

  /**
   * @param base the ORM's entity manager. Each scope's `em` is a fork of it carrying `abort`
   *   (the `all` scope's a further fork that includes deleted rows), made on first use; the
   *   loaders build and run their statements through {@link statementReader}s of it instead.
   * @param abort what cancels the request's statements: its own entity managers carry it, and
   *   the loaders' runner must pass it with each statement (see `preparedStatements`)
   * @param loaders builds one scope's loaders on the mode's statement reader; rows they read are
   *   tagged with `visibility` and hold the properties `fields` names at the time of each read
   */
  constructor(
    private readonly base: TEm,
    private readonly abort: AbortOptions,
    private readonly softDelete: SoftDelete,
    private readonly loaders: (
      reader: StatementReader,
      visibility: Visibility,
      fields: RowFields,
    ) => TLoaders,
  ) {}

  /**
   * Narrows the reads of the rest of the request to the columns the operation can use (see
   * `rowProjections`). Set once the operation is known, before it executes; rows read earlier
   * (the viewer) are whole, a superset.
   */
  project(projection: RowProjection): void {
    if (this.#projected && this.#projection !== projection) {
      // Several operations share this request (batched HTTP requests): rows cached for one would
      // lack columns another reads. Whole rows from fresh loaders serve them all.
      this.#projection = undefined;
      this.#scopes.clear();
      return;
    }
    this.#projected = true;
    this.#projection = projection;
  }

  /** The scope of one mode. */
  scope(visibility: Visibility = 'live'): ReadScope<TLoaders, TEm> {
    let scope = this.#scopes.get(visibility);
    if (!scope) {
      const includesDeleted = visibility === 'all';
      let em: TEm | undefined;
      const forkOwn = () => {
        // The `all` scope forks the request's own one if there is one; no second fork just to
        // fork it again.
        if (includesDeleted) return this.softDelete.forkIncludingDeleted(this.#own ?? this.fork());
        this.#own ??= this.fork();
        return this.#own;
      };
      scope = {
        visibility,
        includesDeleted,
        get em() {
          em ??= forkOwn();
          return em;
        },
        loaders: this.loaders(
          statementReader(this.base, visibility, this.softDelete),
          visibility,
          this.fields,
        ),
        fields: this.fields,
      };
      this.#scopes.set(visibility, scope);
    }
    return scope;
  }

  /**
   * A new entity manager for the request (a write's, say): a fork of the base that carries the
   * request's abort signal. Forked from the base itself, never from whatever entity manager the
   * async context holds (a transaction's, maybe one that includes deleted rows).
   */
  fork(): TEm {
    return this.base.fork({ ...this.abort, disableContextResolution: true }) as TEm;
  }

  /** The scope a value was read in, from its tag; untagged values are `live`. */
  scopeOf(value: unknown): ReadScope<TLoaders, TEm> {
    if (typeof value !== 'object' || value === null) return this.scope('live');
    return this.scope((value as { [READ_SCOPE]?: Visibility })[READ_SCOPE] ?? 'live');
  }

  /**
   * The scope of a list, count or lookup field: its own `includeDeleted` argument (false when
   * omitted or null), whatever the fields above it asked for.
   */
  listScope(args: { includeDeleted?: boolean | null }): ReadScope<TLoaders, TEm> {
    return this.scope(args.includeDeleted === true ? 'all' : 'live');
  }

  /** Drops every scope, so that reads after a write see its result. */
  reset(): void {
    this.#scopes.clear();
    // The live scope's `em` is the request's own: nothing it read may outlive a write.
    this.#own?.clear();
  }
}
