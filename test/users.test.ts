import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toGlobalId } from '../src/graphql/global-id.js';
import { fixtures, minute } from './support/fixtures.js';
import { codes, startTestApp, type TestApp } from './support/test-app.js';

let t: TestApp;
let f: ReturnType<typeof fixtures>;
beforeAll(async () => {
  t = await startTestApp();
  f = fixtures(t);
});
afterAll(() => t?.stop());

const REGISTER = /* GraphQL */ `
  mutation Register($input: RegisterInput!) {
    register(input: $input) { id username displayName bio email createdAt }
  }
`;

describe('register', () => {
  it('creates a user that can then be looked up by id and by username', async () => {
    const res = await t.gql(REGISTER, {
      input: { username: 'Newbie_1', email: 'NewBie@Example.com', displayName: '  New Bie ', bio: 'hello' },
    });
    expect(res.errors).toBeUndefined();
    const user = res.data?.register;
    expect(user).toMatchObject({ username: 'Newbie_1', displayName: 'New Bie', bio: 'hello', email: null });
    expect(new Date(user.createdAt).getTime()).toBeGreaterThan(Date.now() - 60_000);

    const byId = await t.gql('query($id: ID) { user(id: $id) { username } }', { id: user.id });
    expect(byId.data?.user).toEqual({ username: 'Newbie_1' });
    const byName = await t.gql('{ user(username: "NEWBIE_1") { id } }');
    expect(byName.data?.user).toEqual({ id: user.id });
    const [row] = await t.sql('select email from users where username = $1', ['Newbie_1']);
    expect(row?.email).toBe('newbie@example.com');
  });

  it.each([
    ['username', { username: 'ab' }, 'username'],
    ['username', { username: 'has space' }, 'username'],
    ['username', { username: 'x'.repeat(33) }, 'username'],
    ['email', { email: 'not-an-email' }, 'email'],
    ['email', { email: `${'a'.repeat(250)}@b.co` }, 'email'],
    ['displayName', { displayName: '   ' }, 'displayName'],
    ['displayName', { displayName: 'd'.repeat(65) }, 'displayName'],
    ['bio', { bio: 'b'.repeat(501) }, 'bio'],
  ])('rejects an invalid %s with BAD_USER_INPUT naming the field', async (_field, patch, named) => {
    const input = { username: 'valid_name', email: 'valid@example.com', displayName: 'Valid', ...patch };
    const res = await t.gql(REGISTER, { input });
    expect(codes(res)).toEqual(['BAD_USER_INPUT']);
    expect(res.errors?.[0]?.message).toContain(`\`${named}\``);
    const rows = await t.sql('select 1 from users where username = $1', [input.username]);
    expect(rows).toHaveLength(0);
  });

  it('refuses a username taken in another case, and a taken email, with CONFLICT naming the field', async () => {
    await f.user('Taken');
    const sameName = await t.gql(REGISTER, {
      input: { username: 'tAKEN', email: 'other@example.com', displayName: 'X' },
    });
    expect(codes(sameName)).toEqual(['CONFLICT']);
    expect(sameName.errors?.[0]?.message).toBe('That username is already taken.');
    const sameEmail = await t.gql(REGISTER, {
      input: { username: 'fresh_one', email: 'TAKEN@example.com', displayName: 'X' },
    });
    expect(codes(sameEmail)).toEqual(['CONFLICT']);
    expect(sameEmail.errors?.[0]?.message).toBe('That email is already taken.');
    expect(await t.sql("select 1 from users where username in ('tAKEN', 'fresh_one')")).toHaveLength(0);
  });
});

describe('user lookups', () => {
  it('needs exactly one of id and username', async () => {
    expect(codes(await t.gql('{ user { id } }'))).toEqual(['BAD_USER_INPUT']);
    const both = await t.gql(`{ user(id: "${toGlobalId('User', 1)}", username: "x") { id } }`);
    expect(codes(both)).toEqual(['BAD_USER_INPUT']);
  });

  it('returns null for an unknown user and BAD_USER_INPUT for a malformed or foreign id', async () => {
    expect((await t.gql(`{ user(id: "${toGlobalId('User', 999_999)}") { id } }`)).data?.user).toBeNull();
    expect((await t.gql('{ user(username: "nobody_here") { id } }')).data?.user).toBeNull();
    expect(codes(await t.gql('{ user(id: "%%%") { id } }'))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await t.gql(`{ user(id: "${toGlobalId('Post', 1)}") { id } }`))).toEqual(['BAD_USER_INPUT']);
  });

  it('shows a user their own email and nobody else', async () => {
    const id = await f.user('private_person');
    const other = await f.user('nosy_person');
    const query = `{ user(id: "${toGlobalId('User', id)}") { email } }`;
    expect((await t.gql(query, {}, { userId: id })).data?.user.email).toBe('private_person@example.com');
    expect((await t.gql(query, {}, { userId: other })).data?.user.email).toBeNull();
    expect((await t.gql(query)).data?.user.email).toBeNull();
  });

  it('viewer is the token owner, and null without a token', async () => {
    const id = await f.user('viewer_person');
    const me = await t.gql('{ viewer { id username email } }', {}, { userId: id });
    expect(me.data?.viewer).toEqual({
      id: toGlobalId('User', id),
      username: 'viewer_person',
      email: 'viewer_person@example.com',
    });
    expect((await t.gql('{ viewer { id } }')).data?.viewer).toBeNull();
  });

  it('lists users newest first with their total count', async () => {
    const older = await f.user('list_older', minute(-100));
    const newer = await f.user('list_newer', minute(-50));
    const res = await t.gql('{ users(first: 100) { totalCount nodes { id } } }');
    const ids = res.data?.users.nodes.map((n: { id: string }) => n.id);
    const [{ count }] = (await t.sql('select count(*)::int as count from users')) as [{ count: number }];
    expect(res.data?.users.totalCount).toBe(count);
    expect(ids.indexOf(toGlobalId('User', newer))).toBeLessThan(ids.indexOf(toGlobalId('User', older)));
    const times = (await t.gql('{ users(first: 100) { nodes { createdAt } } }')).data?.users.nodes.map(
      (n: { createdAt: string }) => Date.parse(n.createdAt),
    );
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });
});
