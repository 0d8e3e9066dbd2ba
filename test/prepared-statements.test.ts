import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { toGlobalId } from '../src/graphql/global-id.js';
import { preparedStatementName, preparedStatements } from '../src/soft-delete/index.js';
import { fixtures } from './support/fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/*
 * The read path's statements run prepared (`preparedStatements`): the same rows as the ORM's own
 * `execute` gives for the same statement, whatever its parameters, inside transactions too.
 */
let t: TestApp;
const ids: number[] = [];
const log: string[] = [];
beforeAll(async () => {
  // One connection, so that what one statement prepared is visible to the next.
  t = await startTestApp({ databasePoolSize: 1 }, { onQuery: (line) => log.push(line) });
  const f = fixtures(t);
  for (const name of ['ann', 'bob', 'cy', 'dee']) ids.push(await f.user(name));
});
afterAll(() => t?.stop());

const run = preparedStatements({});
const BY_IDS = `select "id", "username", "created_at" from "users" where "id" in (?) and "username" <> ? order by "id" limit ?`;

describe('prepared read statements', () => {
  it('return what the ORM returns for the same statement, with lists as one parameter', async () => {
    const em = t.app.orm.em.fork();
    for (const params of [
      [ids, 'nobody', 10],
      [ids.slice(1, 3), 'bob', 1],
      [[ids[3]], 'x', 5],
    ]) {
      const prepared = await run(em, { sql: BY_IDS, params });
      expect(prepared).toEqual(await em.execute(BY_IDS, params));
      expect(prepared.length).toBeGreaterThan(0);
    }
    // Named once per process, in PostgreSQL's own form, and prepared on the connection.
    const text = `select "id", "username", "created_at" from "users" where "id" = any($1) and "username" <> $2 order by "id" limit $3`;
    const name = preparedStatementName(text);
    expect(name).toMatch(/^tombstone_\d+$/);
    const prepared = await run(em, {
      sql: 'select "name", "statement" from "pg_prepared_statements" where "name" = ?',
      params: [name],
    });
    expect(prepared).toEqual([{ name, statement: text }]);
  });

  it('look one id up with `= $n`, whose plan PostgreSQL keeps instead of planning every time', async () => {
    const em = t.app.orm.em.fork();
    const sql = `select "id", "username" from "users" where "id" in (?) and "username" <> ?`;
    // PostgreSQL plans a prepared statement's first five executions for their values, then keeps
    // one plan if it looks no dearer; `= any($1)` always looks dearer for an array of unknown size.
    for (let i = 0; i < 8; i++) {
      const params = [[ids[i % ids.length]], 'nobody'];
      expect(await run(em, { sql, params })).toEqual(await em.execute(sql, params));
    }
    expect(await run(em, { sql, params: [ids.slice(0, 2), 'nobody'] })).toHaveLength(2);
    const plans = async (text: string) =>
      (await run(em, {
        sql: 'select "generic_plans"::int as "generic_plans", "custom_plans"::int as "custom_plans" from "pg_prepared_statements" where "name" = ?',
        params: [preparedStatementName(text)],
      })) as { generic_plans: number; custom_plans: number }[];
    const single = await plans(`select "id", "username" from "users" where "id" = $1 and "username" <> $2`);
    expect(single).toEqual([{ generic_plans: expect.any(Number), custom_plans: 5 }]);
    expect(single[0]?.generic_plans).toBeGreaterThanOrEqual(3);
    // Lists of other lengths keep the array form, prepared under a name of its own.
    expect(
      await plans(`select "id", "username" from "users" where "id" = any($1) and "username" <> $2`),
    ).toEqual([{ generic_plans: 0, custom_plans: 1 }]);
  });

  it('read inside the transaction they are given', async () => {
    await t.app.orm.em
      .fork()
      .transactional(async (tx) => {
        await tx.execute(`update "users" set "username" = 'renamed' where "id" = ?`, [ids[0]]);
        const [row] = (await run(tx, { sql: BY_IDS, params: [[ids[0]], 'nobody', 1] })) as {
          username: string;
        }[];
        expect(row?.username).toBe('renamed');
        throw new RollbackSignal();
      })
      .catch((error) => {
        if (!(error instanceof RollbackSignal)) throw error;
      });
    const [row] = (await run(t.app.orm.em.fork(), { sql: BY_IDS, params: [[ids[0]], 'nobody', 1] })) as {
      username: string;
    }[];
    expect(row?.username).toBe('ann');
  });

  it('run a statement they cannot convert as the ORM would', async () => {
    const em = t.app.orm.em.fork();
    // An object parameter is the ORM's to format: the statement goes through `em.execute`, whose
    // log line keeps the `?` form (a prepared one is logged with `$n`).
    const sql = 'select ?::jsonb ->> ? as "value"';
    const params = [{ a: 'xyzzy' }, 'a'];
    log.length = 0;
    expect(await run(em, { sql, params })).toEqual([{ value: 'xyzzy' }]);
    expect(log.filter((line) => line.includes('[query]'))).toEqual([
      expect.stringContaining('select ?::jsonb ->> ? as "value"'),
    ]);
  });
});

describe('DB_PREPARED_STATEMENTS=off', () => {
  it('is on unless set to "off", and refuses anything else', () => {
    expect(loadConfig({}).databasePreparedStatements).toBe(true);
    expect(loadConfig({ DB_PREPARED_STATEMENTS: 'on' }).databasePreparedStatements).toBe(true);
    expect(loadConfig({ DB_PREPARED_STATEMENTS: 'off' }).databasePreparedStatements).toBe(false);
    expect(() => loadConfig({ DB_PREPARED_STATEMENTS: 'no' })).toThrow(
      'DB_PREPARED_STATEMENTS must be "on" or "off", not "no".',
    );
  });

  const THREAD = `query($id: ID!) { user(id: $id) { username posts(first: 5) { totalCount nodes { title
    author { username } comments(first: 5) { totalCount nodes { body author { username } } } } } } }`;

  it('reads the same answers with every parameter in the text, as the ORM sends statements', async () => {
    const lines: string[] = [];
    const plain = await startTestApp(
      { databasePreparedStatements: false },
      { onQuery: (l) => lines.push(l) },
    );
    try {
      const f = fixtures(plain);
      const author = await f.user('writer');
      const post = await f.post(author, 'A post');
      await f.comment(post, author, 'first');
      const variables = { id: toGlobalId('User', author) };
      lines.length = 0;
      const res = await plain.gql(THREAD, variables);
      expect(res.errors).toBeUndefined();
      const reads = lines.filter((l) => l.includes('[query]'));
      expect(reads.length).toBeGreaterThan(2);
      expect(reads.filter((l) => l.includes('= any($'))).toEqual([]);
      expect(res.data).toEqual({
        user: {
          username: 'writer',
          posts: {
            totalCount: 1,
            nodes: [
              {
                title: 'A post',
                author: { username: 'writer' },
                comments: { totalCount: 1, nodes: [{ body: 'first', author: { username: 'writer' } }] },
              },
            ],
          },
        },
      });
    } finally {
      await plain.stop();
    }
  });
});

class RollbackSignal extends Error {}
