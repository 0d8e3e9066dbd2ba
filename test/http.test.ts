import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { toGlobalId } from '../src/graphql/global-id.js';
import { fixtures } from './support/fixtures.js';
import { startTestApp, TEST_SECRET, type TestApp, tokenFor } from './support/test-app.js';

/**
 * The HTTP contract a browser app and Apollo Client rely on: CORS, CSRF prevention, error
 * responses in the media type the client asked for, RFC 6750 challenges, and refusals that
 * happen before any GraphQL executes. Everything goes through `fetch`, as a client sends it.
 */

let t: TestApp;
let userId: number;
beforeAll(async () => {
  // The test environment gets development's CORS default: every local dev server.
  t = await startTestApp();
  userId = await fixtures(t).user('http_client');
});
afterAll(() => t?.stop());

/** What Apollo Client 4's HttpLink sends as `Accept`. */
const APOLLO_CLIENT_ACCEPT = 'application/graphql-response+json,application/json;q=0.9';

async function post(body: unknown, headers: Record<string, string> = {}, url = t.app.url) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { response, json: (await response.json()) as Record<string, any> };
}

function preflight(origin: string, url = t.app.url) {
  return fetch(url, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization, content-type',
    },
  });
}

describe('CORS', () => {
  it('answers a preflight from a local dev server with 204, the methods, headers and max age', async () => {
    const response = await preflight('http://localhost:5173');
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(response.headers.get('access-control-allow-methods')?.split(', ')).toEqual(
      expect.arrayContaining(['GET', 'POST']),
    );
    expect(response.headers.get('access-control-allow-headers')?.split(', ')).toEqual(
      expect.arrayContaining([
        'authorization',
        'content-type',
        'apollo-require-preflight',
        'x-apollo-operation-name',
      ]),
    );
    expect(response.headers.get('access-control-max-age')).toBe('600');
    expect(response.headers.get('vary')).toBe('Origin');
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it.each(['http://127.0.0.1:3000', 'http://localhost'])('allows %s in development', async (origin) => {
    expect((await preflight(origin)).headers.get('access-control-allow-origin')).toBe(origin);
  });

  it.each([
    'https://evil.example',
    'http://localhost.evil.example',
    'http://localhost:5173.evil.example',
    'https://localhost:5173',
    'null',
  ])('gives %s no CORS headers, in the preflight or the response', async (origin) => {
    const refused = await preflight(origin);
    expect(refused.status).toBe(204);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    expect(refused.headers.get('access-control-allow-methods')).toBeNull();
    expect(refused.headers.get('vary')).toBe('Origin');
    const { response } = await post({ query: '{ posts { totalCount } }' }, { origin });
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(response.headers.get('vary')).toBe('Origin');
  });

  it('lets an allowed origin read the response, and the Retry-After and WWW-Authenticate headers', async () => {
    const origin = 'http://localhost:5173';
    const { response, json } = await post({ query: '{ posts { totalCount } }' }, { origin });
    expect(response.status).toBe(200);
    expect(json.data).toEqual({ posts: { totalCount: 0 } });
    expect(response.headers.get('access-control-allow-origin')).toBe(origin);
    expect(response.headers.get('access-control-expose-headers')).toBe('retry-after, www-authenticate');
    expect(response.headers.get('vary')).toBe('Origin');
    // Error responses too: a browser app must be able to read why it was refused.
    const refused = await post({ query: '{ viewer { id } }' }, { origin, authorization: 'Bearer nope' });
    expect(refused.response.status).toBe(401);
    expect(refused.response.headers.get('access-control-allow-origin')).toBe(origin);
  });

  it('keeps Apollo CSRF prevention on: simple requests that skip the preflight are refused', async () => {
    const origin = 'http://localhost:5173';
    const textPlain = await fetch(t.app.url, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', origin },
      body: JSON.stringify({ query: 'mutation { follow(userId: "VXNlcjox") { id } }' }),
    });
    expect(textPlain.status).toBe(400);
    expect(((await textPlain.json()) as any).errors[0].message).toMatch(/Cross-Site Request Forgery/);
    const query = encodeURIComponent('{ posts { totalCount } }');
    const simpleGet = await fetch(`${t.app.url}?query=${query}`);
    expect(simpleGet.status).toBe(400);
    const preflightedGet = await fetch(`${t.app.url}?query=${query}`, {
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect(preflightedGet.status).toBe(200);
  });

  it('allows no origin in production unless CORS_ORIGINS names it', async () => {
    const production = loadConfig({ NODE_ENV: 'production', JWT_SECRET: TEST_SECRET });
    expect(production.cors.origins).toEqual([]);
    const prod = await startTestApp({ cors: production.cors });
    try {
      const response = await preflight('http://localhost:5173', prod.app.url);
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await prod.stop();
    }
    const listed = loadConfig({
      NODE_ENV: 'production',
      JWT_SECRET: TEST_SECRET,
      CORS_ORIGINS: ' https://app.example.com, http://localhost:* ',
    });
    expect(listed.cors.origins).toEqual(['https://app.example.com', 'http://localhost:*']);
  });

  it('reads CORS_ORIGINS as the whole list, in development too', () => {
    expect(loadConfig({}).cors.origins).toEqual([
      'http://localhost:*',
      'http://127.0.0.1:*',
      'http://[::1]:*',
    ]);
    expect(loadConfig({ CORS_ORIGINS: 'https://app.example.com' }).cors.origins).toEqual([
      'https://app.example.com',
    ]);
    expect(loadConfig({ CORS_ORIGINS: '' }).cors.origins).toEqual([]);
  });

  it.each([
    'https://app.example.com/',
    'https://app.example.com/graphql',
    '*',
    'app.example.com',
    'ftp://app.example.com',
    'https://app.example.com:8443:*',
  ])('refuses to start with CORS_ORIGINS=%s', (origins) => {
    expect(() => loadConfig({ CORS_ORIGINS: origins })).toThrow(/CORS_ORIGINS must list origins/);
  });
});

describe('an invalid or expired token', () => {
  const expired = () =>
    new SignJWT({ sub: toGlobalId('User', userId) })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt(Math.floor(Date.now() / 1000) - 120)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(new TextEncoder().encode(TEST_SECRET));

  it.each([
    ['Apollo Client 4', APOLLO_CLIENT_ACCEPT],
    ['graphql-response+json only', 'application/graphql-response+json'],
  ])(
    'answers a client that accepts GraphQL responses (%s) in that media type, with 401 and an RFC 6750 challenge',
    async (_client, accept) => {
      for (const token of ['not.a.jwt', await expired()]) {
        const { response, json } = await post(
          { query: '{ viewer { id } }' },
          { accept, authorization: `Bearer ${token}` },
        );
        expect(response.status).toBe(401);
        expect(response.headers.get('content-type')).toBe('application/graphql-response+json; charset=utf-8');
        expect(response.headers.get('www-authenticate')).toBe(
          'Bearer error="invalid_token", error_description="The bearer token is invalid or expired."',
        );
        expect(json).toEqual({
          errors: [
            {
              message: 'The bearer token is invalid or expired.',
              extensions: { code: 'UNAUTHENTICATED' },
            },
          ],
        });
      }
    },
  );

  it.each([
    ['no Accept header', undefined],
    ['application/json', 'application/json'],
    ['*/*', '*/*'],
  ])('answers application/json with 401 to a client sending %s', async (_name, accept) => {
    const { response, json } = await post(
      { query: '{ viewer { id } }' },
      { ...(accept ? { accept } : {}), authorization: 'Bearer not.a.jwt' },
    );
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
    expect(json.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('leaves a request without a token anonymous', async () => {
    const { response, json } = await post({ query: '{ viewer { id } }' }, { accept: APOLLO_CLIENT_ACCEPT });
    expect(response.status).toBe(200);
    expect(response.headers.get('www-authenticate')).toBeNull();
    expect(json).toEqual({ data: { viewer: null } });
  });

  it('challenges an anonymous request for a gated field without an error code, and a viewer without the scope with insufficient_scope', async () => {
    const anonymous = await post({ query: '{ trash { totalCount } }' }, { accept: APOLLO_CLIENT_ACCEPT });
    expect(anonymous.response.status).toBe(401);
    expect(anonymous.response.headers.get('www-authenticate')).toBe('Bearer');
    expect(anonymous.json.errors[0].extensions).toEqual({
      code: 'UNAUTHENTICATED',
      coordinate: 'Query.trash',
    });
    const unscoped = await post(
      { query: '{ trash { totalCount } }' },
      { accept: APOLLO_CLIENT_ACCEPT, authorization: `Bearer ${await tokenFor(userId)}` },
    );
    expect(unscoped.response.status).toBe(403);
    expect(unscoped.response.headers.get('www-authenticate')).toBe('Bearer error="insufficient_scope"');
    expect(unscoped.json.errors[0].extensions).toEqual({ code: 'FORBIDDEN', coordinate: 'Query.trash' });
  });
});

describe('refusals before execution', () => {
  it('refuses a subscription with BAD_REQUEST (400) that says subscriptions are not offered', async () => {
    const { response, json } = await post(
      { query: 'subscription { postAdded { id } }' },
      { accept: APOLLO_CLIENT_ACCEPT },
    );
    expect(response.status).toBe(400);
    expect(json).toEqual({
      errors: [
        {
          message: 'Subscriptions are not offered by this server; send a query or a mutation.',
          extensions: { code: 'BAD_REQUEST' },
        },
      ],
    });
  });

  it('answers its own refusals (oversized body, invalid JSON) in the media type the client accepts', async () => {
    const tooLarge = await post(
      { query: `{ viewer { id } }${' '.repeat(100_001)}` },
      { accept: APOLLO_CLIENT_ACCEPT },
    );
    expect(tooLarge.response.status).toBe(413);
    expect(tooLarge.response.headers.get('content-type')).toBe(
      'application/graphql-response+json; charset=utf-8',
    );
    expect(tooLarge.json.errors[0].extensions).toEqual({ code: 'BAD_REQUEST' });
    const invalid = await post('{"query": ', { accept: APOLLO_CLIENT_ACCEPT });
    expect(invalid.response.status).toBe(400);
    expect(invalid.json).toEqual({
      errors: [{ message: 'The request body is not valid JSON.', extensions: { code: 'BAD_REQUEST' } }],
    });
  });
});
