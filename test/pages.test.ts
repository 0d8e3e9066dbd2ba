import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/* How the server serves its pages (the console, the IDE) over HTTP; the browser tests use them. */
const html = { accept: 'text/html,application/xhtml+xml' };

describe('outside production', () => {
  let t: TestApp;
  let origin: string;
  beforeAll(async () => {
    t = await startTestApp({ seedDemoData: true });
    origin = new URL(t.app.url).origin;
  });
  afterAll(() => t?.stop());

  it('serves the console with a policy that lets it load nothing from elsewhere', async () => {
    const res = await fetch(`${origin}/console`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await res.text()).toContain('<script type="module" src="/console/console.js">');
    expect((await fetch(`${origin}/console/console.js`)).headers.get('content-type')).toBe(
      'text/javascript; charset=utf-8',
    );
  });

  it('answers 404 for files it does not have, whatever the path says', async () => {
    expect((await fetch(`${origin}/console/nope.js`)).status).toBe(404);
    expect((await fetch(`${origin}/console/..%2F..%2Fpackage.json`)).status).toBe(404);
    expect((await fetch(`${origin}/graphiql/../console/console.js`)).status).toBe(200); // normalized by the URL
  });

  it("lists the demo users' tokens, each with its role's scopes, for the sign-in picker", async () => {
    const tokens = (await (await fetch(`${origin}/console/demo-tokens`)).json()) as {
      username: string;
      scopes: string[];
      token: string;
    }[];
    expect(tokens.map((t) => [t.username, t.scopes])).toEqual([
      ['alice', ['content:moderate']],
      ['bob', ['audit:read']],
      ['carol', ['audit:read', 'content:moderate', 'data:purge']],
      ['dave', []],
    ]);
    const viewer = await t.gql(
      '{ viewer { username } }',
      {},
      { authorization: `Bearer ${tokens[1]!.token}` },
    );
    expect(viewer.data).toEqual({ viewer: { username: 'bob' } });
  });

  it('gives a browser GraphiQL at GET /graphql, and everyone else GraphQL', async () => {
    const page = await fetch(t.app.url, { headers: html });
    expect(await page.text()).toContain('/graphiql/graphiql.js');
    const query = await fetch(`${t.app.url}?query=${encodeURIComponent('{ posts { totalCount } }')}`, {
      headers: { accept: 'text/html, application/json', 'apollo-require-preflight': 'true' },
    });
    expect(await query.json()).toEqual({ data: { posts: { totalCount: 3 } } });
  });
});

describe('in production', () => {
  let t: TestApp;
  let origin: string;
  beforeAll(async () => {
    t = await startTestApp({ nodeEnv: 'production', graphqlIde: false, seedDemoData: true });
    origin = new URL(t.app.url).origin;
  });
  afterAll(() => t?.stop());

  it('serves the console but no demo tokens', async () => {
    expect((await fetch(`${origin}/console`)).status).toBe(200);
    expect((await fetch(`${origin}/console/demo-tokens`)).status).toBe(404);
  });

  it('serves no IDE (nor Apollo Sandbox) unless enabled', async () => {
    const res = await fetch(t.app.url, { headers: html });
    expect(res.status).toBe(400);
    expect(await res.text()).not.toContain('<html');
    expect((await fetch(`${origin}/graphiql/graphiql.js`)).status).toBe(404);
  });
});

describe('GRAPHQL_IDE', () => {
  const production = { NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) };
  it('is on outside production and off in production unless set to "on"', () => {
    expect(loadConfig({}).graphqlIde).toBe(true);
    expect(loadConfig(production).graphqlIde).toBe(false);
    expect(loadConfig({ ...production, GRAPHQL_IDE: 'on' }).graphqlIde).toBe(true);
    expect(loadConfig({ GRAPHQL_IDE: 'off' }).graphqlIde).toBe(false);
    expect(() => loadConfig({ GRAPHQL_IDE: 'yes' })).toThrow('GRAPHQL_IDE must be "on" or "off", not "yes".');
  });
});
