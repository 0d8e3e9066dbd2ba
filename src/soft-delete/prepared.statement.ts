import { CompiledQuery } from 'kysely';
import type { StatementReader } from './statement.reader.js';

/** A statement with `?` placeholders, as the query builder writes it (see `idListStatement`). */
export interface Statement {
  sql: string;
  params: readonly unknown[];
}

/** Runs read statements and returns their rows. */
export type StatementRunner = (em: StatementReader, statement: Statement) => Promise<object[]>;

/** What a request's statements are cancelled by (Kysely's abort options). */
export interface AbortOptions {
  signal?: AbortSignal;
  inflightQueryAbortStrategy?: 'ignore query' | 'cancel query' | 'kill session';
}

/** A statement in PostgreSQL's own form: `$n` placeholders, each list as one array parameter. */
interface Prepared {
  text: string;
  /** Per placeholder of `sql`, in order: whether it takes a list (`in (?)`, now `= any($n)`). */
  lists: boolean[];
  /**
   * The same statement for when every list holds one value: `= $n` instead of `= any($n)`, or
   * `null` when it has no list. PostgreSQL plans a prepared statement afresh on every execution
   * while a plan for unknown parameters looks dearer than one for the values at hand, which an
   * array of unknown length always does; `= $n` looks the same either way, so after its first
   * few executions the plan is kept. A lookup by one id (`node(id)`, the viewer) is the common
   * case: measured on W3, PostgreSQL's CPU per request 0.17–0.26 → 0.07–0.12 ms (`lseek` calls,
   * the planner sizing each relation, 8.5 per request → none).
   */
  single: string | null;
}

/** Conversions by SQL text; `null` where a statement has a form this does not convert. */
const CONVERTED = new Map<string, Prepared | null>();
/** Statement texts this process prepares, and their names. */
const NAMES = new Map<string, string>();
/** Names given so far (names are never reused). */
let named = 0;
/**
 * More distinct statements than this are run as they are, unprepared: a bound on both maps (a
 * statement has at most two names, its list form's and its one-value form's).
 */
const MAX_STATEMENTS = 2_000;

/**
 * Runs the read statements of one request as prepared statements, with its abort signal.
 *
 * The ORM sends every statement with its parameters written into the text, so PostgreSQL parses
 * and plans each one afresh, and a list of 400 ids is 400 literals to parse. The statements the
 * read path sends are few and fixed in shape (`idListStatement` caches them), so each is sent
 * once per connection as a named prepared statement (see {@link preparedStatementName}) and
 * then only executed, with the ids as one array parameter. Measured on W2's four statements:
 * PostgreSQL's CPU 6.2–6.7 → 4.3–4.4 ms per request, the client's 4.6–5.8 → 4.0–4.8 ms.
 *
 * Statements run through `em.getKysely()`, the ORM's public Kysely instance; inside a
 * transaction, and for a statement it cannot convert, it falls back to `em.execute`. Either way
 * `abort` goes with each statement: the entity manager may be shared (see `statementReader`).
 */
export function preparedStatements(abort: AbortOptions): StatementRunner {
  const plain = plainStatements(abort);
  return async (em, { sql, params }) => {
    const prepared = em.isInTransaction() ? null : convert(sql);
    const values = prepared && valuesFor(prepared, params);
    if (!prepared || !values) return plain(em, { sql, params });
    const single = prepared.single === null ? null : singleValues(prepared, params);
    const [text, bound] = single && prepared.single ? [prepared.single, single] : [prepared.text, values];
    const started = Date.now();
    const result = await em.getKysely().executeQuery(CompiledQuery.raw(text, bound), abort);
    // Logged as the ORM logs its own statements (`debug: ['query']`), so a query log stays whole.
    em.config.getLogger().logQuery({
      level: 'info',
      query: text,
      params: bound,
      took: Date.now() - started,
      results: result.rows.length,
    });
    return result.rows as object[];
  };
}

/**
 * Runs read statements as the ORM runs any (`em.execute`, parameters written into the text): for
 * a connection pooler that cannot keep prepared statements per client, and for statements whose
 * plan should fit their values. `abort` applies; where it sets nothing, the entity manager's own.
 */
export function plainStatements(abort: AbortOptions = {}): StatementRunner {
  return async (em, { sql, params }) =>
    (await em.execute(sql, [...params], { method: 'all', ...abort })) as object[];
}

/**
 * The name a statement text is prepared under on every connection, or `undefined` for a text
 * that is not one of {@link preparedStatements}'. The database client's `query` consults this
 * (see `orm.config.ts`): Kysely sends parameters, but never a name.
 */
export function preparedStatementName(text: string): string | undefined {
  return NAMES.get(text);
}

/** `?` placeholders to `$n`, and `in (?)` to `= any($n)`; `null` when the text has other forms. */
function convert(sql: string): Prepared | null {
  const known = CONVERTED.get(sql);
  if (known !== undefined) return known;
  let prepared: Prepared | null = { text: '', lists: [], single: null };
  let text = '';
  let single = '';
  let quote: string | null = null;
  for (let i = 0; i < sql.length; i++) {
    const char = sql[i] as string;
    if (quote) {
      if (char === quote) quote = null;
      text += char;
      single += char;
    } else if (char === "'" || char === '"') {
      quote = char;
      text += char;
      single += char;
    } else if (char === '?') {
      // `??` (an identifier placeholder) and `?|`-style operators are not ours to convert.
      if (sql[i + 1] === '?' || sql[i - 1] === '?') {
        prepared = null;
        break;
      }
      const n = prepared.lists.length + 1;
      const list = text.endsWith(' in (') && sql[i + 1] === ')';
      // `not in (?)` would need `<> all(…)`; the read path never writes it.
      if (list && /\snot in \($/i.test(text)) {
        prepared = null;
        break;
      }
      prepared.lists.push(list);
      if (list) {
        text = `${text.slice(0, -' in ('.length)} = any($${n})`;
        single = `${single.slice(0, -' in ('.length)} = $${n}`;
        i++; // the closing parenthesis
      } else {
        text += `$${n}`;
        single += `$${n}`;
      }
    } else {
      text += char;
      single += char;
    }
  }
  if (prepared) {
    prepared.text = text;
    if (prepared.lists.includes(true)) prepared.single = single;
  }
  if (CONVERTED.size < MAX_STATEMENTS) {
    CONVERTED.set(sql, prepared);
    // Two texts with `?` may convert to one (e.g. spelled alike but for `in (?)` spacing): the
    // name stays the first one's, so a name is never given to two texts.
    for (const form of [prepared?.text, prepared?.single])
      if (form && !NAMES.has(form)) NAMES.set(form, `tombstone_${++named}`);
  }
  return prepared && NAMES.has(prepared.text) ? prepared : null;
}

/**
 * The parameters of the statement's {@link Prepared.single} form (each list's one value in its
 * place), or `null` when a list holds other than one value. Runs after {@link valuesFor} accepted
 * the parameters, so each value is plain.
 */
function singleValues(prepared: Prepared, params: readonly unknown[]): unknown[] | null {
  const values = [...params];
  for (let i = 0; i < params.length; i++) {
    if (!prepared.lists[i]) continue;
    const list = params[i] as unknown[];
    if (list.length !== 1) return null;
    values[i] = list[0];
  }
  return values;
}

/** The parameters as PostgreSQL takes them; `null` when one is not a plain value where expected. */
function valuesFor(prepared: Prepared, params: readonly unknown[]): unknown[] | null {
  if (params.length !== prepared.lists.length) return null;
  const values = [...params];
  for (let i = 0; i < params.length; i++) {
    const value = params[i];
    const list = Array.isArray(value);
    if (list !== prepared.lists[i]) return null;
    if (!list) {
      if (!isPlain(value)) return null;
    } else if ((value as unknown[]).every(Number.isSafeInteger)) {
      // A list of ids, the common case, written as PostgreSQL's array literal at once: the
      // driver would quote and escape each element on its own.
      values[i] = `{${(value as number[]).join(',')}}`;
    } else if (!(value as unknown[]).every(isPlain)) return null;
  }
  return values;
}

function isPlain(value: unknown): boolean {
  const type = typeof value;
  return (
    value === null || type === 'number' || type === 'string' || type === 'boolean' || value instanceof Date
  );
}
