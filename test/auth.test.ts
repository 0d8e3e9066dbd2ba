import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenVerifier, signToken } from '../src/auth/token.service.js';
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

  const now = () => Math.floor(Date.now() / 1000);
  /** A token with exactly the given `iat` and `exp` (either may be left out). */
  const signTimes = (times: { iat?: number; exp?: number }) => {
    const jwt = new SignJWT({ sub: toGlobalId('User', userId) }).setProtectedHeader({ alg: 'HS256' });
    if (times.iat !== undefined) jwt.setIssuedAt(times.iat);
    if (times.exp !== undefined) jwt.setExpirationTime(times.exp);
    return jwt.sign(new TextEncoder().encode(TEST_SECRET));
  };
  const HOUR = 3_600;

  it.each([
    ['without exp (it would never expire)', () => ({ iat: now() })],
    ['without exp or iat', () => ({})],
    ['living longer than 24 hours', () => ({ iat: now(), exp: now() + 25 * HOUR })],
    ['without iat, expiring more than 24 hours from now', () => ({ exp: now() + 25 * HOUR })],
    [
      'issued in the future to stretch its lifetime',
      () => ({ iat: now() + 240 * HOUR, exp: now() + 241 * HOUR }),
    ],
  ])('refuses a token %s with UNAUTHENTICATED', async (_name, times) => {
    const res = await t.gql(
      '{ viewer { username } }',
      {},
      { authorization: `Bearer ${await signTimes(times())}` },
    );
    expect(res.status).toBe(401);
    expect(codes(res)).toEqual(['UNAUTHENTICATED']);
    expect(res.data).toBeUndefined();
  });

  it.each([
    ['living exactly 24 hours', () => ({ iat: now(), exp: now() + 24 * HOUR })],
    ['without iat, expiring within 24 hours', () => ({ exp: now() + HOUR })],
  ])('accepts a token %s', async (_name, times) => {
    const res = await t.gql(
      '{ viewer { username } }',
      {},
      { authorization: `Bearer ${await signTimes(times())}` },
    );
    expect(res.data?.viewer).toEqual({ username: 'token_holder' });
  });

  it('applies a configured JWT_MAX_TTL', async () => {
    const config = loadConfig({ JWT_SECRET: TEST_SECRET, JWT_MAX_TTL: '10m' });
    expect(config.token.maxTtlSeconds).toBe(600);
    const strict = await startTestApp({ token: config.token });
    try {
      const id = await fixtures(strict).user('short_lived');
      const ok = await strict.gql(
        '{ viewer { username } }',
        {},
        { authorization: `Bearer ${await tokenFor(id, [], '10m')}` },
      );
      expect(ok.data?.viewer).toEqual({ username: 'short_lived' });
      const tooLong = await strict.gql(
        '{ viewer { username } }',
        {},
        { authorization: `Bearer ${await tokenFor(id, [], '11m')}` },
      );
      expect(codes(tooLong)).toEqual(['UNAUTHENTICATED']);
    } finally {
      await strict.stop();
    }
  });

  it('stops accepting a remembered token the moment it expires, and remembers no refused one', async () => {
    const verify = createTokenVerifier({ secret: TEST_SECRET });
    const sub = toGlobalId('User', userId);
    // Expires at the next whole second but one: verified (and remembered) now, refused after.
    const exp = Math.floor(Date.now() / 1000) + 2;
    const token = await sign({ sub, scope: 'audit:read' }, TEST_SECRET, exp);
    await expect(verify(`Bearer ${token}`)).resolves.toEqual({ sub, scopes: ['audit:read'] });
    await expect(verify(`Bearer ${token}`)).resolves.toEqual({ sub, scopes: ['audit:read'] });
    // Another token of the same user gets its own claims, not the remembered ones.
    const other = await sign({ sub, scope: 'content:moderate' }, TEST_SECRET);
    await expect(verify(`Bearer ${other}`)).resolves.toEqual({ sub, scopes: ['content:moderate'] });
    await new Promise((resolve) => setTimeout(resolve, exp * 1000 - Date.now() + 50));
    await expect(verify(`Bearer ${token}`)).rejects.toMatchObject({
      extensions: { code: 'UNAUTHENTICATED' },
    });
    // A forged token is refused every time, however often it is sent.
    const forged = await sign({ sub }, 'another-secret-0123456789abcdef-0123');
    for (let i = 0; i < 3; i++)
      await expect(verify(`Bearer ${forged}`)).rejects.toMatchObject({
        extensions: { code: 'UNAUTHENTICATED' },
      });
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

  it('refuses a TTL over JWT_MAX_TTL and prints no token', { timeout: 60_000 }, async () => {
    const run = promisify(execFile)(
      'npm',
      ['run', '--silent', 'token', '--', '--sub', toGlobalId('User', userId), '--ttl', '48h'],
      { env: { ...process.env, JWT_SECRET: TEST_SECRET, NODE_ENV: 'development' } },
    );
    await expect(run).rejects.toMatchObject({
      code: 2,
      stdout: '',
      stderr: expect.stringMatching(/exceeds JWT_MAX_TTL/),
    });
  });
});

describe('signToken', () => {
  it('refuses a TTL over the cap, or one it cannot read, instead of minting a token the server refuses', async () => {
    const sub = toGlobalId('User', 1);
    await expect(signToken({ secret: TEST_SECRET }, { sub, ttl: '25h' })).rejects.toThrow(
      /exceeds JWT_MAX_TTL/,
    );
    await expect(signToken({ secret: TEST_SECRET, maxTtlSeconds: 600 }, { sub, ttl: '1h' })).rejects.toThrow(
      /exceeds JWT_MAX_TTL/,
    );
    await expect(signToken({ secret: TEST_SECRET }, { sub, ttl: '1 fortnight' })).rejects.toThrow(
      /Invalid token TTL/,
    );
  });

  it("signs the dev server's 12-hour demo tokens so that the default configuration accepts them", async () => {
    const { token } = loadConfig({});
    const demo = await signToken(token, { sub: toGlobalId('User', 1), ttl: '12h' });
    await expect(createTokenVerifier(token)(`Bearer ${demo}`)).resolves.toMatchObject({
      sub: toGlobalId('User', 1),
    });
  });
});

describe('configuration', () => {
  it('reads JWT_MAX_TTL as a duration and refuses a nonsensical one', () => {
    expect(loadConfig({}).token.maxTtlSeconds).toBe(86_400);
    expect(loadConfig({ JWT_MAX_TTL: '12h' }).token.maxTtlSeconds).toBe(43_200);
    expect(() => loadConfig({ JWT_MAX_TTL: 'forever' })).toThrow(/JWT_MAX_TTL must be a duration/);
    expect(() => loadConfig({ JWT_MAX_TTL: '0' })).toThrow(/JWT_MAX_TTL must be a duration/);
  });

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
