import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.js';

/*
 * What "Using it from a client" in the README promises about the transport, as a client sees it:
 * automatic persisted queries work, batched requests and @defer are not offered.
 */

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.stop());

const post = (body: unknown) =>
  fetch(t.app.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  }).then(async (res) => ({ status: res.status, body: (await res.json()) as any }));

describe('HTTP features for clients', () => {
  it('automatic persisted queries: a hash alone is asked for its query once, then answered', async () => {
    const query = '{ posts(first: 1) { totalCount } }';
    const persistedQuery = { version: 1, sha256Hash: createHash('sha256').update(query).digest('hex') };
    const unknown = await post({ extensions: { persistedQuery } });
    expect(unknown.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    const registered = await post({ query, extensions: { persistedQuery } });
    expect(registered.body).toEqual({ data: { posts: { totalCount: 0 } } });
    const byHash = await post({ extensions: { persistedQuery } });
    expect(byHash.body).toEqual({ data: { posts: { totalCount: 0 } } });
  });

  it('refuses a batch of operations in one request', async () => {
    const res = await post([{ query: '{ viewer { id } }' }, { query: '{ viewer { id } }' }]);
    expect(res.status).toBe(400);
    expect(res.body.data).toBeUndefined();
  });

  it('does not offer @defer', async () => {
    const res = await post({ query: '{ posts { totalCount ... @defer { nodes { id } } } }' });
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(res.body.errors?.[0]?.message).toContain('Unknown directive "@defer"');
  });
});
