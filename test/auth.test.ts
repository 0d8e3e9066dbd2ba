import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { toGlobalId } from '../src/graphql/global-id.js';
import { fixtures } from './support/fixtures.js';
import { codes, startTestApp, TEST_SECRET, type TestApp, tokenFor } from './support/test-app.js';

let t: TestApp;
let userId: number;
beforeAll(async () => {
  t = await startTestApp();
  userId = await fixtures(t).user('token_holder');
});
afterAll(() => t?.stop());

const sign = (claims: Record<string, unknown>, secret = TEST_SECRET, exp: string | number = '1h') =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .setExpirationTime(exp)
    .sign(new TextEncoder().encode(secret));

const REGISTER =
  'mutation { register(input: { username: "should_not_exist", email: "s@n.e", displayName: "S" }) { id } }';

describe('bearer tokens', () => {
  it('authenticates a valid token as its user', async () => {
    const res = await t.gql(
      '{ viewer { username } }',
      {},
      { authorization: `Bearer ${await tokenFor(userId)}` },
    );
    expect(res.data?.viewer).toEqual({ username: 'token_holder' });
  });

  it.each([
    ['a malformed header', async () => 'Token abc'],
    ['a token that is not a JWT', async () => 'Bearer not.a.jwt'],
    [
      'a token signed with another secret',
      async () => `Bearer ${await sign({ sub: toGlobalId('User', 1) }, 'x'.repeat(40))}`,
    ],
    [
      'an expired token',
      async () =>
        `Bearer ${await sign({ sub: toGlobalId('User', 1) }, TEST_SECRET, Math.floor(Date.now() / 1000) - 60)}`,
    ],
    ['a token without sub', async () => `Bearer ${await sign({})}`],
    ['a token for an unknown user', async () => `Bearer ${await tokenFor(999_999)}`],
    [
      'a token whose sub is not a user id',
      async () => `Bearer ${await sign({ sub: toGlobalId('Post', 1) })}`,
    ],
  ])('refuses %s with UNAUTHENTICATED on any operation, even public ones', async (_name, header) => {
    const authorization = await header();
    for (const query of ['{ posts { totalCount } }', REGISTER]) {
      const res = await t.gql(query, {}, { authorization });
      expect(res.status).toBe(401);
      expect(codes(res)).toEqual(['UNAUTHENTICATED']);
      expect(res.data).toBeUndefined();
    }
    expect(await t.sql("select 1 from users where username = 'should_not_exist'")).toHaveLength(0);
  });

  it('reads scopes from the space-separated scope claim', async () => {
    // Scopes gate nothing yet in this schema; the token must still be accepted with them.
    const res = await t.gql(
      '{ viewer { username } }',
      {},
      { userId, scopes: ['content:moderate', 'audit:read'] },
    );
    expect(res.data?.viewer).toEqual({ username: 'token_holder' });
  });
});

describe('npm run token', () => {
  it('prints a token the server accepts', { timeout: 60_000 }, async () => {
    const { stdout } = await promisify(execFile)(
      'npm',
      [
        'run',
        '--silent',
        'token',
        '--',
        '--sub',
        toGlobalId('User', userId),
        '--scope',
        'a b',
        '--ttl',
        '5m',
      ],
      { env: { ...process.env, JWT_SECRET: TEST_SECRET, NODE_ENV: 'development' } },
    );
    const res = await t.gql('{ viewer { username } }', {}, { authorization: `Bearer ${stdout.trim()}` });
    expect(res.data?.viewer).toEqual({ username: 'token_holder' });
  });
});

describe('configuration', () => {
  it('refuses to start in production without a secret or JWKS URL', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET or JWT_JWKS_URL/);
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'p'.repeat(32) })).not.toThrow();
    expect(() =>
      loadConfig({ NODE_ENV: 'production', JWT_JWKS_URL: 'https://id.example.com/jwks' }),
    ).not.toThrow();
  });

  it('allows the announced development secret only outside production', () => {
    const config = loadConfig({});
    expect(config.usesDevelopmentSecret).toBe(true);
    expect(config.nodeEnv).toBe('development');
  });

  it('names every invalid variable at once', () => {
    expect(() => loadConfig({ JWT_SECRET: 'short', PORT: 'eighty', MAX_QUERY_DEPTH: '0' })).toThrow(
      /JWT_SECRET must be at least 32[\s\S]*PORT must be[\s\S]*MAX_QUERY_DEPTH must be/,
    );
  });
});
