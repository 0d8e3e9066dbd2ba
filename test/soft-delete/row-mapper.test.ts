import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Comment } from '../../src/modules/comment/comment.entity.js';
import { User } from '../../src/modules/user/user.entity.js';
import { mapRows, READ_SCOPE, ROW_ENTITY } from '../../src/soft-delete/index.js';
import { fixtures, minute } from '../support/fixtures.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/*
 * Rows read by hand-built SQL (pages, lookups by id) are mapped by a mapper compiled per column
 * list: it must give exactly the row MikroORM's own result mapper gives, tagged, without the
 * columns that are no property.
 */
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
  const f = fixtures(t);
  const alice = await f.user('alice', minute(1));
  const post = await f.post(alice, 'Hello', minute(2));
  const first = await f.comment(post, alice, 'first', undefined, minute(3));
  await f.comment(post, alice, 'reply', first, minute(4));
});
afterAll(() => t?.stop());

describe('rows mapped from hand-built SQL', () => {
  it('are what the ORM maps, tagged, for whole rows, some columns, and any mode', async () => {
    const em = t.app.orm.em.fork();
    const driver = em.getDriver();
    for (const [entity, sql] of [
      [Comment, 'select *, 7 as "__rn" from "comment" order by id'],
      [Comment, 'select id, parent_id, created_at, body from "comment" order by id'],
      [User, 'select *, 2 as "__total" from "users" order by id'],
    ] as const) {
      const raw = (await em.getConnection().execute(sql)) as Record<string, unknown>[];
      const meta = em.getMetadata().get(entity as typeof User);
      for (const mode of ['live', 'all'] as const) {
        const rows = mapRows(em, entity as typeof User, raw, mode);
        const expected = raw.map((r) => {
          const { __rn, __total, ...columns } = r;
          return {
            ...driver.mapResult(columns as never, meta as never),
            [READ_SCOPE]: mode,
            [ROW_ENTITY]: meta.className,
          };
        });
        expect(rows).toStrictEqual(expected);
      }
    }
    const [comment] = (await em
      .getConnection()
      .execute('select * from "comment" where parent_id is not null')) as {
      created_at: Date;
    }[];
    const mapped = mapRows(em, Comment, [comment as object], 'live')[0] as unknown as Record<string, unknown>;
    expect(mapped.createdAt).toBeInstanceOf(Date);
    expect(typeof mapped.parent).toBe('number');
    expect(mapped).not.toHaveProperty('parent_id');
  });

  it('parse a date that arrives as text, as the ORM does', async () => {
    const em = t.app.orm.em.fork();
    const [raw] = (await em
      .getConnection()
      .execute(`select id, username, created_at::text as created_at from "users" order by id limit 1`)) as {
      created_at: string;
    }[];
    expect(typeof raw?.created_at).toBe('string');
    const [row] = mapRows(em, User, [raw as object], 'live') as unknown as { createdAt: Date }[];
    expect(row?.createdAt).toBeInstanceOf(Date);
    expect(row?.createdAt.getTime()).toBe(new Date(raw?.created_at as string).getTime());
  });
});
