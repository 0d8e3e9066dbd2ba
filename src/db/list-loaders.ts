import { type EntityManager, type FilterQuery, raw } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import type { Page } from '../graphql/connection.js';
import { afterCursor, type KeysetDirection, type KeysetRow } from './keyset.js';

/** A list that hangs from a parent row: "the posts of an author", "the replies to a comment". */
export interface ListSpec<T extends KeysetRow> {
  entity: new (...args: never[]) => T;
  /** The many-to-one on `entity` that points at the parent. */
  parent: string & keyof T;
  /** Further conditions, e.g. `{ parent: null }` for top-level comments. */
  where?: FilterQuery<T>;
  direction: KeysetDirection;
  /** Relations to load with the rows (e.g. the user a follow row points at). */
  populate?: readonly string[];
}

/**
 * Per-request loaders for nested lists, so that a level of a query costs the same few statements
 * whatever its page size and however many parents it has: one page query for all parents of a
 * field (`row_number() over (partition by parent)`), one grouped count. They read through the
 * entity manager they are given, so the soft-delete filter applies, and must live in one read
 * scope only.
 */
export class ListLoaders {
  // Keyed by the spec object: specs are module-level constants.
  readonly #pages = new Map<object, Map<string, DataLoader<number, KeysetRow[]>>>();
  readonly #counts = new Map<object, DataLoader<number, number>>();

  constructor(private readonly em: EntityManager) {}

  /** Loads `page` of the list under each parent id (up to `page.first + 1` rows, see `buildConnection`). */
  page<T extends KeysetRow>(spec: ListSpec<T>, page: Page): DataLoader<number, T[]> {
    const key = `${page.first}|${page.after ? `${page.after.createdAt.getTime()}:${page.after.id}` : ''}`;
    let byPage = this.#pages.get(spec);
    if (!byPage) {
      byPage = new Map();
      this.#pages.set(spec, byPage);
    }
    let loader = byPage.get(key) as DataLoader<number, T[]> | undefined;
    if (!loader) {
      loader = new DataLoader((parents) => this.loadPages(spec, page, parents));
      byPage.set(key, loader as unknown as DataLoader<number, KeysetRow[]>);
    }
    return loader;
  }

  /** Counts the whole list under each parent id. */
  count<T extends KeysetRow>(spec: ListSpec<T>): DataLoader<number, number> {
    let loader = this.#counts.get(spec);
    if (!loader) {
      loader = new DataLoader((parents) => this.loadCounts(spec, parents));
      this.#counts.set(spec, loader);
    }
    return loader;
  }

  private async loadPages<T extends KeysetRow>(spec: ListSpec<T>, page: Page, parents: readonly number[]) {
    const byParent = new Map<number, T[]>(parents.map((id) => [id, []]));
    if (page.first === 0) return parents.map(() => []);
    const conditions: unknown[] = [{ [spec.parent]: { $in: [...parents] } }, spec.where ?? {}];
    if (page.after) conditions.push(afterCursor(page.after, spec.direction));
    const rows = await this.em.find(
      spec.entity,
      { $and: conditions } as FilterQuery<T>,
      {
        orderBy: { createdAt: spec.direction, id: spec.direction } as never,
        populate: spec.populate as never,
        // MikroORM's per-parent limit (what `populateHints: { limit }` uses): a window function in
        // one statement. Internal in 7.2; the statement-count tests guard it across upgrades.
        _partitionLimit: { partitionBy: spec.parent, limit: page.first + 1 },
      } as never,
    );
    for (const row of rows as T[]) {
      const parentId = ((row as unknown as Record<string, { id: number }>)[spec.parent] as { id: number }).id;
      byParent.get(parentId)?.push(row);
    }
    const order = spec.direction === 'asc' ? 1 : -1;
    return parents.map((id) =>
      (byParent.get(id) ?? []).sort(
        (a, b) => order * (a.createdAt.getTime() - b.createdAt.getTime() || a.id - b.id),
      ),
    );
  }

  private async loadCounts<T extends KeysetRow>(spec: ListSpec<T>, parents: readonly number[]) {
    const column = this.em.getMetadata().get(spec.entity).properties[spec.parent]?.fieldNames[0] as string;
    const qb = this.em
      .createQueryBuilder(spec.entity, 'row')
      .select([raw(`row.${column} as parent`), raw('count(*) as count')])
      .where({ $and: [{ [spec.parent]: { $in: [...parents] } }, spec.where ?? {}] } as never)
      .groupBy(raw(`row.${column}`));
    // Counts see exactly what the lists show: the soft-delete filter, with its joins.
    await qb.applyFilters();
    const rows = (await qb.execute('all', false)) as { parent: number; count: string | number }[];
    const counts = new Map(rows.map((row) => [Number(row.parent), Number(row.count)]));
    return parents.map((id) => counts.get(id) ?? 0);
  }
}
