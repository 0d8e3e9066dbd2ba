import { type FilterQuery, raw } from '@mikro-orm/postgresql';
import type { QueryBuilder } from '@mikro-orm/sql';
import DataLoader from 'dataloader';
import type { Page } from '../graphql/connection.js';
import {
  idListStatement,
  mapRows,
  type Row,
  type RowFields,
  rowQuery,
  type StatementReader,
  type StatementRunner,
  type Visibility,
} from '../soft-delete/index.js';
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

/** Each spec's part of its statements' cache keys (specs are module-level constants). */
const SHAPES = new WeakMap<object, string>();

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
    private readonly em: StatementReader,
    private readonly visibility: Visibility,
    private readonly run: StatementRunner,
    private readonly fields: RowFields,
  ) {}

  /** What decides a spec's SQL besides the mode, for {@link idListStatement}'s cache. */
  private shape<T extends KeysetRow>(spec: ListSpec<T>, kind: string): string {
    let name = SHAPES.get(spec);
    if (!name) {
      name = `${this.em.getMetadata().get(spec.entity).className}.${spec.parent} ${spec.direction} ${JSON.stringify(spec.where ?? {})}`;
      SHAPES.set(spec, name);
    }
    return `${name} ${kind}`;
  }

  /** Builds a statement for one execution (a page after a cursor varies in more than ids). */
  private async uncached(qb: QueryBuilder<object>) {
    await qb.applyFilters();
    return qb.toQuery();
  }

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
    const selected = this.fields(meta);
    const column = (name: string) => `"r"."${meta.properties[name as never]?.fieldNames[0]}"`;
    const dir = spec.direction;
    const partition = `partition by ${column(spec.parent)}`;
    // Every parent's page in one statement: the filtered rows numbered per parent, cut at the
    // page size. The filter goes in through the query builder; only the window is written here.
    // A first page sees every row of its list, so it counts them too, and `totalCount` needs no
    // statement of its own.
    const build = (ids: readonly unknown[]) => {
      const qb = rowQuery(this.em, spec.entity, 'r', () => selected)
        .addSelect(
          raw(
            `row_number() over (${partition} order by ${column('createdAt')} ${dir}, ${column('id')} ${dir}) as "__rn"${
              page.after ? '' : `, count(*) over (${partition})::int as "__total"`
            }`,
          ),
        )
        .where(`${column(spec.parent)} in (?)`, [ids])
        .andWhere((spec.where ?? {}) as never);
      return page.after ? qb.andWhere(afterCursor(page.after, spec.direction) as never) : qb;
    };
    const { sql, params } = page.after
      ? await this.uncached(build(parents))
      : await idListStatement(
          this.em,
          this.visibility,
          this.shape(spec, `first page: ${selected.join(',')}`),
          build,
          parents,
        );
    // The row's columns and the count come back; the row number only cuts and orders (bigints
    // arrive as text, one string per row for nothing).
    const output = [
      ...selected.flatMap((name) => meta.properties[name as never]?.fieldNames ?? []),
      ...(page.after ? [] : ['__total']),
    ]
      .map((name) => `"page"."${name}"`)
      .join(', ');
    const raws = await this.run(this.em, {
      sql: `select ${output} from (${sql}) as "page" where "page"."__rn" <= ? order by "page"."__rn"`,
      params: [...params, page.first + 1],
    });
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
    const column = `"row"."${this.em.getMetadata().get(spec.entity).properties[spec.parent]?.fieldNames[0]}"`;
    // Counts see exactly what the lists show: the soft-delete filter, with its joins.
    const { sql, params } = await idListStatement(
      this.em,
      this.visibility,
      this.shape(spec, 'counts'),
      (ids) =>
        this.em
          .createQueryBuilder(spec.entity, 'row')
          .select([raw(`${column} as parent`), raw('count(*)::int as count')])
          .where(`${column} in (?)`, [ids])
          .andWhere((spec.where ?? {}) as never)
          .groupBy(raw(column)),
      parents,
    );
    const rows = (await this.run(this.em, { sql, params })) as { parent: number; count: string | number }[];
    const counts = new Map(rows.map((row) => [Number(row.parent), Number(row.count)]));
    return parents.map((id) => counts.get(id) ?? 0);
  }
}
