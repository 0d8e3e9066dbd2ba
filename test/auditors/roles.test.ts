import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtures } from '../support/fixtures.js';
import { gid } from '../support/ids.js';
import { codes, type GqlResponse, startTestApp, type TestApp } from '../support/test-app.js';

/*
 * One role table in the style of graphql-tools' @auth tests: the same operation runs as every
 * role, and for each role the exact data or the exact error codes are asserted.
 *
 * The world: alice wrote P1 (live, with carol's comment c1 and alice's own reply r1, which alice
 * deleted on its own) and P2 (deleted by alice as "draft", which took carol's comment c2 with it).
 * dave was deleted by the moderator as "spam", with his post P3.
 */
type Role = 'anonymous' | 'author' | 'moderator' | 'auditor' | 'purger';
const ROLES: Role[] = ['anonymous', 'author', 'moderator', 'auditor', 'purger'];

let t: TestApp;
let w: Record<string, number>;
const as: Partial<Record<Role, { userId: number; scopes: string[] }>> = {};

beforeAll(async () => {
  t = await startTestApp();
  const f = fixtures(t);
  const alice = await f.user('alice');
  const carol = await f.user('carol');
  const dave = await f.user('dave');
  const mod = await f.user('mod');
  const aud = await f.user('aud');
  const pur = await f.user('pur');
  const p1 = await f.post(alice, 'P1');
  const p2 = await f.post(alice, 'P2');
  const p3 = await f.post(dave, 'P3');
  const c1 = await f.comment(p1, carol, 'c1');
  const r1 = await f.comment(p1, alice, 'r1', c1);
  const c2 = await f.comment(p2, carol, 'c2');
  w = { alice, carol, dave, mod, aud, pur, p1, p2, p3, c1, r1, c2 };
  as.author = { userId: alice, scopes: [] };
  as.moderator = { userId: mod, scopes: ['content:moderate'] };
  as.auditor = { userId: aud, scopes: ['audit:read'] };
  as.purger = { userId: pur, scopes: ['data:purge'] };
  const del = (type: string, id: string, by: { userId: number; scopes: string[] }, reason?: string) =>
    t.gql(
      `mutation($id: ID!, $reason: String) { delete${type}(id: $id, reason: $reason) { id } }`,
      { id, reason },
      by,
    );
  await del('Comment', gid.comment(r1), as.author);
  await del('Post', gid.post(p2), as.author, 'draft');
  await del('User', gid.user(dave), as.moderator, 'spam');
});
afterAll(() => t?.stop());

const run = (role: Role, query: string, variables?: Record<string, unknown>) =>
  t.gql(query, variables, as[role]);

/** Expected outcome per role: the data, or the error codes with no data at all. */
type Outcome = { data: unknown } | { codes: string[] };

async function expectTable(
  query: string,
  variables: Record<string, unknown> | undefined,
  table: Record<Role, Outcome>,
) {
  for (const role of ROLES) {
    const res: GqlResponse = await run(role, query, variables);
    const expected = table[role];
    if ('codes' in expected) {
      expect({ role, codes: codes(res), data: res.data }).toEqual({
        role,
        codes: expected.codes,
        data: undefined,
      });
    } else {
      expect({ role, errors: res.errors, data: res.data }).toEqual({
        role,
        errors: undefined,
        data: expected.data,
      });
    }
  }
}

const everyone = (data: unknown): Record<Role, Outcome> =>
  Object.fromEntries(ROLES.map((role) => [role, { data }])) as Record<Role, Outcome>;
const auditorsOnly = (data: unknown, denied = ['FORBIDDEN']): Record<Role, Outcome> => ({
  anonymous: { codes: denied.map(() => 'UNAUTHENTICATED') },
  author: { codes: denied },
  moderator: { codes: denied },
  auditor: { data },
  purger: { codes: denied },
});

describe('root lists and counts', () => {
  it('hide tombstones from everyone without includeDeleted, or with includeDeleted: false', async () => {
    const live = { users: { totalCount: 5 }, posts: { totalCount: 1 } };
    await expectTable('{ users { totalCount } posts { totalCount } }', undefined, everyone(live));
    await expectTable(
      '{ users(includeDeleted: false) { totalCount } posts(includeDeleted: false) { totalCount } }',
      undefined,
      everyone(live),
    );
  });

  it('show tombstones with who, when and why to auditors only', async () => {
    const query = /* GraphQL */ `{
      users(includeDeleted: true, first: 100) {
        totalCount
        nodes { username isDeleted deleteReason deletedBy { username } }
      }
    }`;
    const res = await run('auditor', query);
    expect(res.data?.users.totalCount).toBe(6);
    expect(res.data?.users.nodes.find((n: any) => n.username === 'dave')).toEqual({
      username: 'dave',
      isDeleted: true,
      deleteReason: 'spam',
      deletedBy: { username: 'mod' },
    });
    await expectTable(query, undefined, {
      ...auditorsOnly(res.data, ['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN']),
    });
  });

  it('name every gated coordinate a request would use', async () => {
    const res = await run('author', '{ users(includeDeleted: true) { nodes { deletedAt deleteReason } } }');
    expect(res.status).toBe(403);
    expect(res.errors?.map((e) => [e.extensions?.code, e.extensions?.coordinate])).toEqual([
      ['FORBIDDEN', 'Query.users(includeDeleted:)'],
      ['FORBIDDEN', 'User.deletedAt'],
      ['FORBIDDEN', 'User.deleteReason'],
    ]);
    expect(res.errors?.[0]?.message).toBe('Query.users(includeDeleted:) needs scope audit:read.');
    const anonymous = await run('anonymous', '{ users { nodes { deletedAt } } }');
    expect(anonymous.status).toBe(401);
    expect(anonymous.errors?.[0]?.message).toBe(
      'User.deletedAt needs an authenticated viewer with scope audit:read.',
    );
  });

  it('let anyone read isDeleted, which is false for everything they can see', async () => {
    await expectTable(
      '{ posts { nodes { title isDeleted } } }',
      undefined,
      everyone({ posts: { nodes: [{ title: 'P1', isDeleted: false }] } }),
    );
  });
});

describe('lookups and node(id)', () => {
  it('return a tombstone only to an auditor asking for it', async () => {
    const query =
      'query($id: ID!, $inc: Boolean) { post(id: $id, includeDeleted: $inc) { title isDeleted } node(id: $id, includeDeleted: $inc) { id } }';
    await expectTable(query, { id: gid.post(w.p2) }, everyone({ post: null, node: null }));
    await expectTable(query, { id: gid.post(w.p2), inc: false }, everyone({ post: null, node: null }));
    await expectTable(
      query,
      { id: gid.post(w.p2), inc: true },
      auditorsOnly({ post: { title: 'P2', isDeleted: true }, node: { id: gid.post(w.p2) } }, [
        'FORBIDDEN',
        'FORBIDDEN',
      ]),
    );
  });

  it('judge fragments on interfaces, aliases and variables by schema coordinate', async () => {
    const query = /* GraphQL */ `
      query($id: ID!, $inc: Boolean!) {
        plain: node(id: $id) { id }
        audited: node(id: $id, includeDeleted: $inc) { ...Tomb }
      }
      fragment Tomb on SoftDeletable { isDeleted ... on Post { title } }
    `;
    await expectTable(query, { id: gid.post(w.p2), inc: false }, everyone({ plain: null, audited: null }));
    await expectTable(
      query,
      { id: gid.post(w.p2), inc: true },
      auditorsOnly({ plain: null, audited: { isDeleted: true, title: 'P2' } }),
    );
    const viaInterface = 'query($id: ID!) { node(id: $id) { ... on SoftDeletable { deletedAt } } }';
    await expectTable(viaInterface, { id: gid.post(w.p1) }, auditorsOnly({ node: { deletedAt: null } }));
  });

  it('do not judge what @skip or @include leave out', async () => {
    const query =
      'query($skip: Boolean!) { users(includeDeleted: true) @skip(if: $skip) { totalCount } posts { totalCount } }';
    await expectTable(query, { skip: true }, everyone({ posts: { totalCount: 1 } }));
  });
});

describe("a field's value depends on its parent, its own arguments and the viewer's scopes only", () => {
  const query = /* GraphQL */ `
    query($dave: ID!) {
      user(id: $dave, includeDeleted: true) {
        username
        posts { totalCount }
        all: posts(includeDeleted: true) { totalCount nodes { title isDeleted author { username } } }
      }
    }
  `;

  it('so an auditor opening a deleted user sees their deleted posts only where a list asks for them', async () => {
    await expectTable(
      query,
      { dave: gid.user(w.dave) },
      auditorsOnly(
        {
          user: {
            username: 'dave',
            // Not inherited from user(includeDeleted: true): a list without the argument is live.
            posts: { totalCount: 0 },
            // A deleted post shows its author as stored, deleted or not.
            all: { totalCount: 1, nodes: [{ title: 'P3', isDeleted: true, author: { username: 'dave' } }] },
          },
        },
        ['FORBIDDEN', 'FORBIDDEN'],
      ),
    );
  });

  it('and counts by their own argument, whatever the field above asked for', async () => {
    const res = await run(
      'auditor',
      `query($p2: ID!, $p1: ID!) {
        p2: post(id: $p2, includeDeleted: true) {
          commentCount
          allCount: commentCount(includeDeleted: true)
          comments { totalCount }
          all: comments(includeDeleted: true) { totalCount nodes { body isDeleted post { title } } }
        }
        p1: post(id: $p1) {
          commentCount
          allCount: commentCount(includeDeleted: true)
          all: comments(includeDeleted: true) {
            nodes { body replies { totalCount } allReplies: replies(includeDeleted: true) { totalCount } }
          }
        }
      }`,
      { p2: gid.post(w.p2), p1: gid.post(w.p1) },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({
      p2: {
        commentCount: 0,
        allCount: 1,
        comments: { totalCount: 0 },
        all: { totalCount: 1, nodes: [{ body: 'c2', isDeleted: true, post: { title: 'P2' } }] },
      },
      // r1 (deleted) counts only where a field asks for deleted rows itself.
      p1: {
        commentCount: 1,
        allCount: 2,
        all: { nodes: [{ body: 'c1', replies: { totalCount: 0 }, allReplies: { totalCount: 1 } }] },
      },
    });
  });

  it('so one field reads the same under a plain and an audited parent, in either order', async () => {
    const a =
      '  a: user(id: $alice) { posts { totalCount } all: posts(includeDeleted: true) { totalCount } }';
    const b =
      '  b: user(id: $alice, includeDeleted: true) { posts { totalCount } all: posts(includeDeleted: true) { totalCount } }';
    for (const body of [`${a}\n${b}`, `${b}\n${a}`]) {
      const res = await run('auditor', `query($alice: ID!) {\n${body}\n}`, { alice: gid.user(w.alice) });
      const alice = { posts: { totalCount: 1 }, all: { totalCount: 2 } };
      expect(res.data).toEqual({ a: alice, b: alice });
    }
  });

  it('to-one fields return the stored parent to whoever sees the row', async () => {
    // c2 is reachable only to an auditor (deleted with P2): its post and author are shown as they are.
    const res = await run(
      'auditor',
      `query($c2: ID!) { comment(id: $c2, includeDeleted: true) { post { title isDeleted } author { username } } }`,
      { c2: gid.comment(w.c2) },
    );
    expect(res.data).toEqual({
      comment: { post: { title: 'P2', isDeleted: true }, author: { username: 'carol' } },
    });
  });
});

describe('trash', () => {
  const query = /* GraphQL */ `
    query($types: [SoftDeletableType!]) {
      trash(type: $types) {
        totalCount
        nodes { id isDeleted ... on User { username posts { totalCount } } ... on Post { title author { username } } }
      }
    }
  `;
  it('lists only tombstones, newest first, to auditors and moderators', async () => {
    const res = await run('moderator', query, { types: ['USER', 'POST'] });
    expect(res.errors).toBeUndefined();
    expect(res.data?.trash).toEqual({
      totalCount: 3,
      nodes: [
        // Lists below a trash row take their own includeDeleted: dave's deleted post is not listed.
        { id: gid.user(w.dave), isDeleted: true, username: 'dave', posts: { totalCount: 0 } },
        { id: gid.post(w.p3), isDeleted: true, title: 'P3', author: { username: 'dave' } },
        { id: gid.post(w.p2), isDeleted: true, title: 'P2', author: { username: 'alice' } },
      ],
    });
    await expectTable(
      query,
      { types: ['USER', 'POST'] },
      {
        anonymous: { codes: ['UNAUTHENTICATED'] },
        author: { codes: ['FORBIDDEN'] },
        moderator: { data: res.data },
        auditor: { data: res.data },
        purger: { codes: ['FORBIDDEN'] },
      },
    );
    const everything = await run('auditor', '{ trash(first: 100) { totalCount nodes { id } } }');
    expect(everything.data?.trash.totalCount).toBe(5); // dave, P3, P2, c2 and r1
  });

  it('still gates the tombstone fields and includeDeleted below it', async () => {
    const details = '{ trash { nodes { deletedAt } } }';
    expect(codes(await run('moderator', details))).toEqual(['FORBIDDEN']);
    expect((await run('auditor', details)).errors).toBeUndefined();
    const below =
      '{ trash(type: [USER]) { nodes { ... on User { posts(includeDeleted: true) { totalCount } } } } }';
    expect(codes(await run('moderator', below))).toEqual(['FORBIDDEN']);
    expect((await run('auditor', below)).data).toEqual({ trash: { nodes: [{ posts: { totalCount: 1 } }] } });
  });

  it('counts what the lists below a trash row show, and lists each type once', async () => {
    const res = await run(
      'moderator',
      '{ trash(type: [COMMENT]) { nodes { ... on Comment { body post { title commentCount comments { totalCount } } } } } }',
    );
    // c2 hangs from a deleted post, r1 from a live one; lists and counts below read live rows.
    expect(res.data?.trash.nodes).toEqual([
      { body: 'c2', post: { title: 'P2', commentCount: 0, comments: { totalCount: 0 } } },
      { body: 'r1', post: { title: 'P1', commentCount: 1, comments: { totalCount: 1 } } },
    ]);
    const once = await run('moderator', '{ trash(type: [POST]) { totalCount nodes { id } } }');
    const twice = await run('moderator', '{ trash(type: [POST, POST, POST]) { totalCount nodes { id } } }');
    expect(twice.data).toEqual(once.data);
  });

  it('pages through every tombstone exactly once', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const res: GqlResponse = await run(
        'auditor',
        'query($after: String) { trash(first: 2, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } }',
        { after },
      );
      const trash = (res.data as { trash: any }).trash;
      seen.push(...trash.nodes.map((n: { id: string }) => n.id));
      if (!trash.pageInfo.hasNextPage) break;
      after = trash.pageInfo.endCursor;
    }
    expect(new Set(seen).size).toBe(5);
    expect(seen).toHaveLength(5);
  });
});

describe('audit log', () => {
  it('shows every event whose batch covers an entity, cascades included, to auditors only', async () => {
    const query =
      'query($id: ID) { auditLog(entityId: $id) { totalCount nodes { action entityType entityId actor { username } reason rowCount } } }';
    await expectTable(
      query,
      { id: gid.comment(w.c2) },
      auditorsOnly({
        auditLog: {
          totalCount: 1,
          nodes: [
            {
              action: 'DELETE',
              entityType: 'Post',
              entityId: gid.post(w.p2),
              actor: { username: 'alice' },
              reason: 'draft',
              rowCount: 2,
            },
          ],
        },
      }),
    );
    const all = await run('auditor', '{ auditLog { totalCount nodes { action entityIds } } }');
    expect(all.data?.auditLog.totalCount).toBe(3);
    expect(all.data?.auditLog.nodes[0]).toEqual({
      action: 'DELETE',
      entityIds: [gid.user(w.dave), gid.post(w.p3)],
    });
  });
});
