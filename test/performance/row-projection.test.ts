import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toGlobalId } from '../../src/graphql/global-id.js';
import { Post } from '../../src/modules/post/post.entity.js';
import { buildSchema } from '../../src/schema.js';
import {
  RequestReads,
  type RowProjectionOptions,
  rowFields,
  rowProjections,
} from '../../src/soft-delete/index.js';
import { fixtures, minute } from '../support/fixtures.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/*
 * Reads select the columns an operation can show and no more (a feed of titles reads no post
 * bodies), and whatever a query asks for, by any route (fragments, interfaces, two fields at once),
 * still comes back.
 */
let t: TestApp;
const statements: string[] = [];
let alice: number;
let bob: number;
let post: number;

beforeAll(async () => {
  t = await startTestApp({}, { onQuery: (line) => statements.push(line) });
  const f = fixtures(t);
  alice = await f.user('alice', minute(1));
  bob = await f.user('bob', minute(2));
  post = await f.post(alice, 'Hello', minute(3));
  for (let c = 0; c < 3; c++) await f.comment(post, bob, `comment ${c}`, undefined, minute(4 + c));
  await f.post(bob, 'Second', minute(10));
});
afterAll(() => t?.stop());

/** Runs `query` and returns its data and the SQL of the statements that read `table`'s rows. */
async function read(query: string, variables: Record<string, unknown> = {}, as?: { userId: number }) {
  statements.length = 0;
  const res = await t.gql(query, variables, as);
  expect(res.errors).toBeUndefined();
  const of = (table: string) =>
    statements.filter((line) => line.includes('[query]') && line.includes(`from "${table}" as "r"`));
  return { data: res.data as any, of };
}

/** The columns a statement returns: its text up to the first `from`. */
const selectList = (sql: string) => sql.slice(0, sql.indexOf(' from '));

describe('columns a read selects', () => {
  it('leave out what the operation does not ask for, and keep keys and what the guard reads', async () => {
    const { data, of } = await read('{ posts(first: 5) { nodes { title author { username } } } }');
    expect(data.posts.nodes).toEqual([
      { title: 'Second', author: { username: 'bob' } },
      { title: 'Hello', author: { username: 'alice' } },
    ]);
    expect(of('post').length).toBe(1);
    for (const sql of of('post')) {
      expect(sql).toContain('"r"."title"');
      expect(sql).not.toContain('"r"."body"');
      for (const kept of ['id', 'author_id', 'deleted_at', 'delete_batch'])
        expect(sql).toContain(`"r"."${kept}"`);
      // No cursor is shown, so nothing needs the keyset's timestamp (the order is still by it).
      for (const left of ['created_at', 'deleted_by', 'delete_reason'])
        expect(selectList(sql)).not.toContain(`"r"."${left}"`);
    }
    expect(of('users').length).toBe(1);
    for (const sql of of('users')) {
      expect(sql).toContain('"r"."username"');
      for (const left of ['email', 'bio', 'display_name']) expect(sql).not.toContain(`"r"."${left}"`);
    }
  });

  it('read what is asked through named and inline fragments, interfaces and node(id)', async () => {
    const { data, of } = await read(
      `query($id: ID!) {
        node(id: $id) { ... on SoftDeletable { isDeleted } ...PostBody }
        users(first: 5) { nodes { ...Profile } }
      }
      fragment PostBody on Post { body author { ... on User { bio } } }
      fragment Profile on User { displayName }`,
      { id: toGlobalId('Post', post) },
    );
    expect(data.node).toEqual({ isDeleted: false, body: 'Hello body', author: { bio: null } });
    expect(data.users.nodes).toEqual([{ displayName: 'bob' }, { displayName: 'alice' }]);
    expect(of('post').some((sql) => sql.includes('"r"."body"'))).toBe(true);
    // Both fields that load users share one projection: bio and displayName, in every statement.
    for (const sql of of('users')) {
      expect(sql).toContain('"r"."bio"');
      expect(sql).toContain('"r"."display_name"');
    }
  });

  it('page on with cursors when no field asks for createdAt', async () => {
    const first = await read('{ posts(first: 1) { nodes { title } pageInfo { endCursor hasNextPage } } }');
    expect(first.data.posts.nodes).toEqual([{ title: 'Second' }]);
    for (const sql of first.of('post')) expect(selectList(sql)).toContain('"r"."created_at"');
    const byEdge = await read('{ posts(first: 1) { edges { cursor node { title } } } }');
    expect(byEdge.data.posts.edges).toEqual([
      { cursor: first.data.posts.pageInfo.endCursor, node: { title: 'Second' } },
    ]);
    const next = await read(`query($after: String) { posts(first: 1, after: $after) { nodes { title } } }`, {
      after: first.data.posts.pageInfo.endCursor,
    });
    expect(next.data.posts.nodes).toEqual([{ title: 'Hello' }]);
    const comments = await read(
      `query($id: ID!) { node(id: $id) { ... on Post { comments(first: 2) { nodes { id } pageInfo { endCursor } } } } }`,
      { id: toGlobalId('Post', post) },
    );
    const after = comments.data.node.comments.pageInfo.endCursor;
    const rest = await read(
      `query($id: ID!, $after: String) { node(id: $id) { ... on Post { comments(first: 5, after: $after) { nodes { body } } } } }`,
      { id: toGlobalId('Post', post), after },
    );
    expect(rest.data.node.comments.nodes).toEqual([{ body: 'comment 2' }]);
  });

  it('give a viewer their own email when asked, and read no email otherwise', async () => {
    const mine = await read('{ viewer { email } }', {}, { userId: alice });
    expect(mine.data.viewer.email).toBe('alice@example.com');
    const theirs = await read('{ users(first: 5) { nodes { username email } } }', {}, { userId: alice });
    expect(theirs.data.users.nodes).toEqual([
      { username: 'bob', email: null },
      { username: 'alice', email: 'alice@example.com' },
    ]);
    const none = await read('{ users(first: 5) { nodes { username } } }', {}, { userId: bob });
    // The viewer's own lookup (before the operation is known) reads whole rows; the list does not.
    expect(none.of('users').filter((sql) => !sql.includes('"r"."email"')).length).toBe(1);
  });
});

describe("an auditor's columns", () => {
  it('read who deleted a row and why only when asked, and always whether it is deleted', async () => {
    const f = fixtures(t);
    const gone = await f.post(bob, 'Regretted', minute(0));
    const deleted = await t.gql(
      'mutation($id: ID!) { deletePost(id: $id, reason: "typo") { deletedCount } }',
      { id: toGlobalId('Post', gone) },
      { userId: bob },
    );
    expect(deleted.errors).toBeUndefined();
    const auditor = { userId: alice, scopes: ['audit:read'] };
    const plain = await read(
      '{ posts(first: 5, includeDeleted: true) { nodes { title isDeleted } } }',
      {},
      auditor,
    );
    expect(plain.data.posts.nodes.at(-1)).toEqual({ title: 'Regretted', isDeleted: true });
    for (const sql of plain.of('post')) {
      expect(sql).toContain('"r"."deleted_at"');
      for (const left of ['deleted_by', 'delete_reason']) expect(sql).not.toContain(`"r"."${left}"`);
    }
    const asked = await read(
      '{ posts(first: 5, includeDeleted: true) { nodes { title ... on SoftDeletable { deleteReason deletedBy { username } } } } }',
      {},
      auditor,
    );
    expect(asked.data.posts.nodes.at(-1)).toEqual({
      title: 'Regretted',
      deleteReason: 'typo',
      deletedBy: { username: 'bob' },
    });
    for (const sql of asked.of('post')) {
      for (const kept of ['deleted_by', 'delete_reason']) expect(sql).toContain(`"r"."${kept}"`);
    }
  });
});

describe('the projection planner', () => {
  const schema = buildSchema();
  const plan = (query: string, reads?: RowProjectionOptions['reads']) => {
    const document = parse(query);
    const planner = rowProjections(schema, t.app.orm.getMetadata(), {
      alwaysRead: ['createdAt'],
      ...(reads ? { reads } : {}),
    });
    return planner(document.definitions[0] as never, document);
  };

  it('keeps a column a field declares it reads, and reads whole what it cannot see', () => {
    expect(plan('{ users { nodes { username } } }').get('User')).not.toContain('email');
    expect(plan('{ users { nodes { username } } }', { 'User.username': ['email'] }).get('User')).toContain(
      'email',
    );
    // Nothing is asked of comments: every column that only its own field reads is left out.
    expect(plan('{ users { nodes { username } } }').get('Comment')).not.toContain('body');
    // Only the @softDelete types' rows are read in part: the audit log's are read whole.
    expect(plan('{ users { nodes { username } } }').has('AuditEvent')).toBe(false);
    // A field of a type without an entity (an edge) names the entity it reads; an interface's
    // field counts for every type that implements it.
    expect(
      plan('{ trash { edges { cursor } } }', { 'TombstoneEdge.cursor': { Post: ['title'] } }).get('Post'),
    ).toContain('title');
    expect(
      plan('{ node(id: "x") { id } }', { 'Node.id': { Post: ['body'], User: ['bio'] } }).get('User'),
    ).toContain('bio');
    expect(plan('{ node(id: "x") { id } }').get('User')).not.toContain('bio');
  });

  it('refuses, at startup, a declaration that names what does not exist', () => {
    const options = (reads: RowProjectionOptions['reads']) => () =>
      rowProjections(schema, t.app.orm.getMetadata(), { alwaysRead: [], ...(reads ? { reads } : {}) });
    expect(options({ 'User.nope': ['email'] })).toThrow(/no field of the schema/);
    expect(options({ 'Nope.id': ['email'] })).toThrow(/no field of the schema/);
    expect(options({ 'User.username': ['emial'] })).toThrow(/User.emial, which does not exist/);
    expect(options({ 'TombstoneEdge.cursor': ['title'] })).toThrow(/TombstoneEdge, which has no entity/);
  });

  it('falls back to whole rows from fresh loaders when two operations share one request', () => {
    const reads = new RequestReads(t.app.orm.em, {}, t.app.softDelete, () => ({}));
    const meta = t.app.orm.getMetadata().get(Post);
    const titles = plan('{ posts { nodes { title } } }');
    const bodies = plan('{ posts { nodes { body } } }');
    reads.project(titles);
    const first = reads.scope('live');
    expect(reads.fields(meta)).not.toContain('body');
    reads.project(titles);
    expect(reads.scope('live')).toBe(first);
    reads.project(bodies);
    expect(reads.fields(meta)).toEqual(rowFields(meta));
    expect(reads.scope('live')).not.toBe(first);
  });

  it('plans once per parsed operation', () => {
    const document = parse('{ posts { nodes { title } } }');
    const planner = rowProjections(schema, t.app.orm.getMetadata(), { alwaysRead: [] });
    const operation = document.definitions[0] as never;
    expect(planner(operation, document)).toBe(planner(operation, document));
  });
});
