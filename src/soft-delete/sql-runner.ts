import type { Dictionary, EntityManager, Transaction } from '@mikro-orm/core';

/** Runs one SQL statement with `?` placeholders and returns its rows. */
export type SqlRunner = <T = Dictionary>(sql: string, params?: unknown[]) => Promise<T[]>;

/** Most ids one `in (…)` list carries; longer lists are split into several statements. */
const CHUNK = 1_000;

/**
 * A runner on `em`'s connection, inside `transaction` when given. The toolkit writes tombstones
 * in plain SQL so that a cascade over thousands of rows never loads them as entities. Database
 * errors come out converted, as the ORM's own exceptions.
 */
export function sqlRunner(em: EntityManager, transaction?: Transaction): SqlRunner {
  const connection = em.getConnection();
  const driver = em.getDriver();
  return async (sql, params = []) => {
    try {
      return await connection.execute(sql, params, 'all', transaction);
    } catch (error) {
      // Raise what the ORM raises for the same failure (e.g. UniqueConstraintViolationException).
      throw error instanceof Error ? driver.convertException(error) : error;
    }
  };
}

/** Quotes an identifier from entity metadata for PostgreSQL. */
export function quote(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}

/**
 * Runs `statement(placeholders)` once per chunk of `ids`, with the chunk's ids as parameters
 * (MikroORM inlines an array parameter as a comma-separated list), and concatenates the rows.
 */
export async function inChunks<T>(
  run: SqlRunner,
  ids: readonly unknown[],
  statement: string,
  leading: unknown[] = [],
): Promise<T[]> {
  const rows: T[] = [];
  for (let start = 0; start < ids.length; start += CHUNK) {
    rows.push(...(await run<T>(statement, [...leading, ids.slice(start, start + CHUNK)])));
  }
  return rows;
}

/** A PostgreSQL array literal for text values, e.g. `{"Post:1","Comment:2"}`. */
export function textArrayLiteral(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`).join(',')}}`;
}
