import { randomBytes } from 'node:crypto';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { defineEntity, p } from '@mikro-orm/core';
import { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDatabaseIfMissing, dropDatabase, withDatabase } from '../../src/db/database.js';
import {
  AuditEvent,
  invariantViolations,
  SoftDelete,
  softDeleteCascades,
  softDeleteDirective,
  sqlRunner,
  tombstoneProperties,
} from '../../src/soft-delete/index.js';

/*
 * The database guards on a throwaway model of their own (boards and their cards, a card's
 * optional "blocked by" card), as an adopter gets them: generated from the entities and the
 * `@softDelete` cascades, nothing written by hand.
 */

const BoardSchema = defineEntity({
  name: 'Board',
  properties: { id: p.integer().primary(), name: p.string(), ...tombstoneProperties() },
});
class Board extends BoardSchema.class {}
BoardSchema.setClass(Board);

const CardSchema = defineEntity({
  name: 'Card',
  properties: {
    id: p.integer().primary(),
    board: () => p.manyToOne(Board),
    // Nullable and not cascading: it may point at a tombstone (reads show null).
    blockedBy: () => p.manyToOne(Card).nullable(),
    title: p.string(),
    ...tombstoneProperties(),
  },
});
class Card extends CardSchema.class {}
CardSchema.setClass(Card);

const SDL = /* GraphQL */ `
  type Board @softDelete(cascade: ["Card.board"]) { id: Int! }
  type Card @softDelete { id: Int! }
  type Query { boards(includeDeleted: Boolean): [Board!]! }
`;

let adminUrl: string;
let name: string;
let orm: MikroORM;
let softDelete: SoftDelete;
let client: pg.Client;

beforeAll(async () => {
  adminUrl = inject('adminDatabaseUrl');
  name = `tombstone_guards_${randomBytes(4).toString('hex')}`;
  await createDatabaseIfMissing(adminUrl, name);
  const directive = softDeleteDirective('softDelete');
  const schema = directive.transformer(makeExecutableSchema({ typeDefs: [directive.typeDefs, SDL] }));
  softDelete = new SoftDelete({ cascades: softDeleteCascades(schema) });
  orm = await MikroORM.init({
    clientUrl: withDatabase(adminUrl, name),
    entities: [Board, Card, AuditEvent],
    allowGlobalContext: false,
    ...softDelete.ormOptions(),
  });
  await orm.schema.create();
  await softDelete.installDatabaseGuards(orm.em.fork());
  client = new pg.Client({ connectionString: withDatabase(adminUrl, name) });
  await client.connect();
});
afterAll(async () => {
  await client?.end();
  await orm?.close();
  await dropDatabase(adminUrl, name);
});

const insert = async (sql: string, params: unknown[]) =>
  (await client.query(sql, params)).rows[0]?.id as number;

describe('guards generated for a new model', () => {
  it('refuse a live card on a deleted board and a tombstone that would strand live cards', async () => {
    const board = await insert(`insert into board (name) values ('b') returning id`, []);
    const card = await insert(`insert into card (board_id, title) values ($1, 'c') returning id`, [board]);
    await expect(
      client.query('update board set deleted_at = now() where id = $1', [board]),
    ).rejects.toMatchObject({
      code: 'TS002',
    });
    const em = orm.em.fork();
    const result = await softDelete.delete(em, await em.findOneOrFail(Board, board), { actor: 'test' });
    expect(result.count).toBe(2);
    await expect(
      client.query(`insert into card (board_id, title) values ($1, 'late') returning id`, [board]),
    ).rejects.toMatchObject({ code: 'TS001' });
    await expect(
      client.query('update card set deleted_at = null where id = $1', [card]),
    ).rejects.toMatchObject({
      code: 'TS001',
    });
  });

  it('leave a nullable, non-cascading reference alone', async () => {
    const board = await insert(`insert into board (name) values ('live') returning id`, []);
    const blocker = await insert(`insert into card (board_id, title) values ($1, 'blocker') returning id`, [
      board,
    ]);
    await insert(
      `insert into card (board_id, blocked_by_id, title) values ($1, $2, 'blocked') returning id`,
      [board, blocker],
    );
    const em = orm.em.fork();
    expect(
      (await softDelete.delete(em, await em.findOneOrFail(Card, blocker), { actor: 'test' })).count,
    ).toBe(1);
    expect(await invariantViolations(sqlRunner(orm.em.fork()), softDelete.model)).toEqual([]);
  });

  it('are replaced, not duplicated, when installed again', async () => {
    await softDelete.installDatabaseGuards(orm.em.fork());
    const { rows } = await client.query(
      `select count(*)::int as n from pg_trigger where not tgisinternal and tgname like 'tombstone_guard%'`,
    );
    // Board: the deferred dependants check; Card: insert and update checks.
    expect(rows[0].n).toBe(3);
  });
});
