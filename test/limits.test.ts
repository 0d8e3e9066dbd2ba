import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toGlobalId } from '../src/graphql/global-id.js';
import { fixtures } from './support/fixtures.js';
import { codes, startTestApp, type TestApp } from './support/test-app.js';

let t: TestApp;
let commentId: string;
beforeAll(async () => {
  t = await startTestApp();
  const f = fixtures(t);
  const user = await f.user('limiter');
  const post = await f.post(user, 'Deep');
  commentId = toGlobalId('Comment', await f.comment(post, user, 'root'));
});
afterAll(() => t?.stop());

/** `comment { parent { … { id } } }`: one field for `comment`, one per parent, one for `id`. */
const deepQuery = (depth: number) =>
  `{ comment(id: "${commentId}") { ${'parent { '.repeat(depth - 2)}id${' }'.repeat(depth - 2)} } }`;

describe('depth limit', () => {
  it('accepts 12 fields deep and refuses 13 before executing anything', async () => {
    const ok = await t.gql(deepQuery(12));
    expect(ok.errors).toBeUndefined();
    expect(ok.data?.comment).toEqual({ parent: null });
    const tooDeep = await t.gql(deepQuery(13));
    expect(tooDeep.status).toBe(400);
    expect(codes(tooDeep)).toEqual(['BAD_USER_INPUT']);
    expect(tooDeep.errors?.[0]?.message).toBe('The operation is 13 fields deep; the limit is 12.');
    expect(tooDeep.data).toBeUndefined();
  });

  it('counts depth through named and inline fragments', async () => {
    const query = `
      query { comment(id: "${commentId}") { ...A } }
      fragment A on Comment { parent { ... on Comment { parent { parent { parent { parent { parent { parent { parent { parent { parent { parent { id } } } } } } } } } } } } }
    `;
    expect(codes(await t.gql(query))).toEqual(['BAD_USER_INPUT']);
  });
});

describe('object limit', () => {
  const nested =
    'query($outer: Int!, $inner: Int!) { posts(first: $outer) { nodes { comments(first: $inner) { nodes { id } } } } }';

  it('accepts 5,000 rows and refuses 5,001 or more, with first taken from variables', async () => {
    expect((await t.gql(nested, { outer: 50, inner: 99 })).errors).toBeUndefined(); // 50 + 50 × 99
    const tooMany = await t.gql(nested, { outer: 50, inner: 100 }); // 50 + 50 × 100
    expect(codes(tooMany)).toEqual(['BAD_USER_INPUT']);
    expect(tooMany.errors?.[0]?.message).toContain('5050 rows');
  });

  it('counts default page sizes and skips what @skip excludes', async () => {
    // posts (20) × comments (20) × replies (20) = 20 + 400 + 8000.
    const defaults = '{ posts { nodes { comments { nodes { replies { totalCount } } } } } }';
    expect(codes(await t.gql(defaults))).toEqual(['BAD_USER_INPUT']);
    const skipped = `query($skip: Boolean!) { posts { nodes { comments { nodes { replies @skip(if: $skip) { totalCount } } } } } }`;
    expect((await t.gql(skipped, { skip: true })).errors).toBeUndefined();
    expect(codes(await t.gql(skipped, { skip: false }))).toEqual(['BAD_USER_INPUT']);
  });
});

describe('alias limit', () => {
  const aliases = (n: number) => Array.from({ length: n }, (_, i) => `a${i}: viewer { id }`).join(' ');

  it('accepts 50 aliases and refuses 51', async () => {
    expect((await t.gql(`{ ${aliases(50)} }`)).errors).toBeUndefined();
    const res = await t.gql(`{ ${aliases(51)} }`);
    expect(codes(res)).toEqual(['BAD_USER_INPUT']);
    expect(res.errors?.[0]?.message).toBe('The operation uses 51 aliases; the limit is 50.');
  });

  it('counts aliases as executed, so a fragment spread twice counts twice', async () => {
    const query = `{ ...F x: __typename ...F } fragment F on Query { ${aliases(25)} }`;
    expect(codes(await t.gql(query))).toEqual(['BAD_USER_INPUT']);
  });
});

describe('limits are configurable', () => {
  it('applies the limits it is started with', async () => {
    const strict = await startTestApp({ limits: { maxDepth: 3, maxObjects: 10, maxAliases: 1 } });
    try {
      expect((await strict.gql('{ posts(first: 10) { nodes { id } } }')).errors).toBeUndefined();
      expect(codes(await strict.gql('{ posts(first: 11) { nodes { id } } }'))).toEqual(['BAD_USER_INPUT']);
      expect(codes(await strict.gql('{ posts(first: 1) { nodes { author { id } } } }'))).toEqual([
        'BAD_USER_INPUT',
      ]);
      expect(codes(await strict.gql('{ a: viewer { id } b: viewer { id } }'))).toEqual(['BAD_USER_INPUT']);
    } finally {
      await strict.stop();
    }
  });
});

describe('request size', () => {
  it('refuses a body over the limit with 413 and a GraphQL-shaped error', async () => {
    const padding = ' '.repeat(100_001);
    const response = await fetch(t.app.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ viewer { id } }${padding}` }),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({
      errors: [
        { message: 'The request body is larger than 100000 bytes.', extensions: { code: 'BAD_REQUEST' } },
      ],
    });
  });
});
