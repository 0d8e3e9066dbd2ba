import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtures } from './support/fixtures.js';
import { codes, startTestApp, type TestApp } from './support/test-app.js';

let t: TestApp;
let f: ReturnType<typeof fixtures>;
let author: number;
const logged: string[] = [];
beforeAll(async () => {
  t = await startTestApp({}, { log: (line) => logged.push(line) });
  f = fixtures(t);
  author = await f.user('nul_author');
});
afterAll(() => t?.stop());

describe('a NUL character or an unpaired surrogate in any string', () => {
  const CREATE = 'mutation($input: CreatePostInput!) { createPost(input: $input) { id } }';

  it.each([
    ['a literal argument', '{ search(query: "a\\u0000b") { totalCount } }', {}],
    ['a lookup literal', '{ user(username: "a\\u0000b") { id } }', {}],
    ['a lookup variable', 'query($u: String) { user(username: $u) { id } }', { u: 'a\u0000b' }],
    ['a search variable', 'query($q: String!) { search(query: $q) { totalCount } }', { q: 'x\u0000' }],
    ['a lone surrogate', 'query($q: String!) { search(query: $q) { totalCount } }', { q: 'x\ud800y' }],
    ['a variable default', 'query($q: String! = "\\u0000") { search(query: $q) { totalCount } }', {}],
    [
      'a literal nested in an input object',
      'mutation { createPost(input: { title: "nul", body: "a\\u0000b" }) { id } }',
      {},
    ],
    ['a variable nested in an input object', CREATE, { input: { title: 'nul', body: 'a\u0000b' } }],
    [
      'a string nested in lists inside the variables',
      '{ posts { totalCount } }',
      { extra: [{ tags: ['ok', 'a\u0000b'] }] },
    ],
  ])('in %s is BAD_USER_INPUT (400) before anything executes or is logged', async (_, query, variables) => {
    logged.length = 0;
    const res = await t.gql(query, variables, { userId: author });
    expect(res.status).toBe(400);
    expect(codes(res)).toEqual(['BAD_USER_INPUT']);
    expect(res.errors?.[0]?.message).toMatch(/is not valid text: strings must not contain NUL characters/);
    expect(res.data).toBeUndefined();
    expect(logged).toEqual([]);
    expect(await t.sql("select 1 from post where title = 'nul'")).toHaveLength(0);
  });

  it('names the variable path that holds it', async () => {
    const res = await t.gql(CREATE, { input: { title: 'nul', body: 'a\u0000b' } }, { userId: author });
    expect(res.errors?.[0]?.message).toMatch(/^Variable `\$input\.body` is not valid text/);
  });

  it('leaves ordinary text alone, including escapes and characters beyond the BMP', async () => {
    const res = await t.gql(
      CREATE,
      { input: { title: 'fine \u00e9 \ud83d\ude00', body: 'tab\there' } },
      { userId: author },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data?.createPost.id).toEqual(expect.any(String));
  });
});
