import { type EntityManager, type FilterQuery, raw } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import type { Page } from '../graphql/connection.js';
import { mapRows, type Row, rowQuery, type Visibility } from '../soft-delete/index.js';
import { batchScheduleFn } from './batch-schedule.js';
import { afterCursor, type KeysetDirection, type KeysetRow } from './keyset.js';

/** A list that hangs from a parent row: "the posts of an author", "the replies to a comment". */
export interface ListSpec<T extends KeysetRow> {
  entity: new (...args: never[]) => T;
  /** The many-to-one on `entity` that points at the parent. */
  parent: string & keyof T;
  /** Further conditions, e.g. `{ parent: null }` for top-level comments. */
  where?: FilterQuery<T>;
  direction: KeysetDirection;
}

/**
 * Per-request loaders for nested lists, so that a level of a query costs the same few statements
 * whatever its page size and however many parents it has: one page query for all parents of a
 * field (`row_number() over (partition by parent)`), one grouped count. They read plain rows
 * (tagged with their mode) through the entity manager they are given, so the soft-delete filter
 * applies, and must live in one read scope only.
 */
export class ListLoaders {
  // Keyed by the spec object: specs are module-level constants.
  readonly #pages = new Map<object, Map<string, DataLoader<number, KeysetRow[]>>>();
  readonly #counts = new Map<object, DataLoader<number, number>>();

  constructor(
    private readonly em: EntityManager,
    private readonly visibility: Visibility,
  ) {}

  /** Loads `page` of the list under each parent id (up to `page.first + 1` rows, see `buildConnection`). */
  page<T extends KeysetRow>(spec: ListSpec<T>, page: Page): DataLoader<number, Row<T>[]> {
    const key = `${page.first}|${page.after ? `${page.after.createdAt.getTime()}:${page.after.id}` : ''}`;
    let byPage = this.#pages.get(spec);
    if (!byPage) {
      byPage = new Map();
      this.#pages.set(spec, byPage);
    }
    let loader = byPage.get(key) as DataLoader<number, Row<T>[]> | undefined;
    if (!loader) {
      loader = new DataLoader((parents) => this.loadPages(spec, page, parents), { batchScheduleFn });
      byPage.set(key, loader as unknown as DataLoader<number, KeysetRow[]>);
    }
    return loader;
  }

  /** Counts the whole list under each parent id. */
  count<T extends KeysetRow>(spec: ListSpec<T>): DataLoader<number, number> {
    let loader = this.#counts.get(spec);
    if (!loader) {
      loader = new DataLoader((parents) => this.loadCounts(spec, parents), { batchScheduleFn });
      this.#counts.set(spec, loader);
    }
    return loader;
  }

  private async loadPages<T extends KeysetRow>(spec: ListSpec<T>, page: Page, parents: readonly number[]) {
    if (page.first === 0) return parents.map(() => []);
    const meta = this.em.getMetadata().get(spec.entity);
    const column = (name: string) => `"r"."${meta.properties[name as never]?.fieldNames[0]}"`;
    const conditions: unknown[] = [{ [spec.parent]: { $in: [...parents] } }, spec.where ?? {}];
    if (page.after) conditions.push(afterCursor(page.after, spec.direction));
    const dir = spec.direction;
    const partition = `partition by ${column(spec.parent)}`;
    // Every parent's page in one statement: the filtered rows numbered per parent, cut at the
    // page size. The filter goes in through the query builder; only the window is written here.
    // A first page sees every row of its list, so it counts them too, and `totalCount` needs no
    // statement of its own.
    const qb = rowQuery(this.em, spec.entity)
      .addSelect(
        raw(
          `row_number() over (${partition} order by ${column('createdAt')} ${dir}, ${column('id')} ${dir}) as "__rn"${
            page.after ? '' : `, count(*) over (${partition}) as "__total"`
          }`,
        ),
      )
      .where({ $and: conditions } as never);
    await qb.applyFilters();
    const { sql, params } = qb.toQuery();
    // Through the entity manager, not its connection: the request's abort signal comes along.
    const raws = (await this.em.execute(
      `select * from (${sql}) as "page" where "page"."__rn" <= ? order by "page"."__rn"`,
      [...params, page.first + 1],
    )) as object[];
    const byParent = new Map<number, Row<T>[]>(parents.map((id) => [id, []]));
    const totals = new Map<number, number>();
    mapRows(this.em, spec.entity, raws, this.visibility).forEach((row, i) => {
      const parent = (row as unknown as Record<string, number>)[spec.parent] as number;
      byParent.get(parent)?.push(row as Row<T>);
      if (!page.after) totals.set(parent, Number((raws[i] as { __total: string | number }).__total));
    });
    if (!page.after) {
      // A first page saw every row of its list: a parent without rows has none.
      const counts = this.count(spec);
      for (const id of parents) counts.prime(id, totals.get(id) ?? 0);
    }
    return parents.map((id) => byParent.get(id) ?? []);
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
