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
    // Sizes are remembered per query and per value of the variables that change them.
    expect((await t.gql(nested, { outer: 50, inner: 99 })).errors).toBeUndefined();
    expect(codes(await t.gql(nested, { outer: 51, inner: 99 }))).toEqual(['BAD_USER_INPUT']);
  });

  it('never reuses a size measured on arguments that could not be read', async () => {
    const query = `query($q: String = "x") { search(query: $q, first: 100) { nodes { comments(first: 100) { nodes { id } } } } }`;
    // A null query fails at execution; measured with search's default page size, it fits.
    expect(codes(await t.gql(query, { q: null }))).not.toContain('BAD_USER_INPUT');
    // The same query with a real text asks for 100 + 100 × 100 rows.
    const real = await t.gql(query, { q: 'deep' });
    expect(codes(real)).toEqual(['BAD_USER_INPUT']);
    expect(real.errors?.[0]?.extensions?.rows).toBe(10_100);
  });

  it('keeps a thread without `first` within the limit: nested lists default to 5, replies to 2', async () => {
    // users 20 → posts 5 → comments 5 → replies 2 → replies 2: 20 + 100 + 500 + 1,000 + 2,000.
    const thread = (levels: number) =>
      `{ users { nodes { posts { nodes { comments { nodes { id ${'replies { nodes { id '.repeat(levels - 1)}replies { totalCount }${' } }'.repeat(levels - 1)} } } } } } } }`;
    expect((await t.gql(thread(2))).errors).toBeUndefined();
    // A fourth level of comments: + 4,000 rows.
    const tooMany = await t.gql(thread(3));
    expect(tooMany.status).toBe(400);
    expect(codes(tooMany)).toEqual(['BAD_USER_INPUT']);
    const path = 'users.nodes.posts.nodes.comments.nodes.replies.nodes.replies.nodes.replies';
    expect(tooMany.errors?.[0]?.message).toBe(
      `The operation asks for up to 7620 rows; the limit is 5000. \`${path}\` alone asks for up to 4000 (its page size times the rows above it). Ask for smaller pages.`,
    );
    expect(tooMany.errors?.[0]?.extensions).toEqual({
      code: 'BAD_USER_INPUT',
      rows: 7620,
      maxRows: 5000,
      largest: { path, rows: 4000 },
    });
  });

  it('names the largest list by its response keys, aliases included, and skips what @skip excludes', async () => {
    const query = `query($skip: Boolean!) { feed: posts(first: 50) { nodes { comments(first: 50) { nodes { id } } a: author { posts(first: 100) @skip(if: $skip) { totalCount } } } } }`;
    // 50 + 2,500 (+ 5,000 for the authors' posts unless skipped).
    expect((await t.gql(query, { skip: true })).errors).toBeUndefined();
    const res = await t.gql(query, { skip: false });
    expect(res.errors?.[0]?.extensions?.largest).toEqual({ path: 'feed.nodes.a.posts', rows: 5000 });
    expect(res.errors?.[0]?.extensions?.rows).toBe(7550);
    expect((await t.gql(query, { skip: true })).errors).toBeUndefined();
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
