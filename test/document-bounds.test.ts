import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes, type GqlResponse, startTestApp, type TestApp } from './support/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.stop());

const repeat = (n: number, text: string | ((i: number) => string)) =>
  Array.from({ length: n }, (_, i) => (typeof text === 'string' ? text : text(i))).join(' ');

/** Refused before execution with a 400, a single error and the given code and message. */
function expectRefused(res: GqlResponse, code: string, message: RegExp) {
  expect(res.status).toBe(400);
  expect(codes(res)).toEqual([code]);
  expect(res.errors?.[0]?.message).toMatch(message);
  expect(res.data).toBeUndefined();
}

describe('documents built to make validation quadratic are refused before validation', () => {
  it('2,850 duplicated fields in one selection set (8.6 KB)', async () => {
    const res = await t.gql(`{ viewer { ${repeat(2850, 'id')} } }`);
    expectRefused(
      res,
      'BAD_USER_INPUT',
      /^The document selects more than 1000 fields and fragment spreads; the limit is 1000\.$/,
    );
  });

  it('11 duplicated fields in one selection set', async () => {
    const res = await t.gql(`{ viewer { ${repeat(11, 'id')} } }`);
    expectRefused(
      res,
      'BAD_USER_INPUT',
      /^`id` is selected more than 10 times in one selection set; the limit is 10\.$/,
    );
  });

  it('2,850 times the same alias (40 KB), by the parser: 11,400 tokens', async () => {
    const res = await t.gql(`{ ${repeat(2850, 'a: __typename')} }`);
    // graphql-js's own message ("more that") names the bound.
    expectRefused(res, 'GRAPHQL_PARSE_FAILED', /^Syntax Error: Document contains more tha[nt] 5000 tokens/);
  });

  it('400 times `viewer { id }` (5.6 KB; 2,850 times would be 11,400 tokens)', async () => {
    const res = await t.gql(`{ ${repeat(400, 'viewer { id }')} }`);
    expectRefused(res, 'BAD_USER_INPUT', /^`viewer` is selected more than 10 times/);
  });

  it('repeats hidden in inline fragments or spread across distinct named fragments', async () => {
    const inline = await t.gql(`{ viewer { ${repeat(11, '... on User { id }')} } }`);
    expectRefused(inline, 'BAD_USER_INPUT', /^`id` is selected more than 10 times/);
    const fragments = await t.gql(
      `{ ${repeat(11, (i) => `...F${i}`)} } ${repeat(11, (i) => `fragment F${i} on Query { viewer { id } }`)}`,
    );
    expectRefused(fragments, 'BAD_USER_INPUT', /^`viewer` is selected more than 10 times/);
  });

  it('without running the other validation rules', async () => {
    // `nope` is not a field: validation would report it, had it run.
    const res = await t.gql(`{ nope ${repeat(11, 'a: __typename')} }`);
    expectRefused(res, 'BAD_USER_INPUT', /^`a` is selected more than 10 times/);
  });

  it('and so are documents over the token bound, by the parser', async () => {
    const list = (n: number) => `{ trash(type: [${repeat(n, 'POST')}]) { totalCount } }`;
    // Parsed (then refused for want of a viewer): 4,000 list items are 4,010 tokens.
    expect(codes(await t.gql(list(4_000)))).not.toContain('GRAPHQL_PARSE_FAILED');
    expectRefused(
      await t.gql(list(5_000)),
      'GRAPHQL_PARSE_FAILED',
      /Document contains more tha[nt] 5000 tokens/,
    );
  });
});

describe('ordinary documents stay within the bounds', () => {
  it('accepts a name selected 10 times and refuses 11', async () => {
    expect((await t.gql(`{ ${repeat(10, 'a: __typename')} }`)).data).toEqual({ a: 'Query' });
    expectRefused(await t.gql(`{ ${repeat(11, 'a: __typename')} }`), 'BAD_USER_INPUT', /more than 10 times/);
  });

  it('counts a fragment spread twice in one selection set once, as validation does', async () => {
    const res = await t.gql(`{ ${repeat(12, '...F')} } fragment F on Query { __typename }`);
    expect(res.errors).toBeUndefined();
  });
});

describe('document bounds are configurable', () => {
  it('applies the bounds it is started with', async () => {
    const strict = await startTestApp({ documentBounds: { maxTokens: 100, maxFields: 5, maxRepeats: 2 } });
    try {
      expect((await strict.gql('{ a: __typename a: __typename b: __typename }')).errors).toBeUndefined();
      expectRefused(
        await strict.gql('{ a: __typename a: __typename a: __typename }'),
        'BAD_USER_INPUT',
        /more than 2 times/,
      );
      expectRefused(
        await strict.gql(`{ ${repeat(6, (i) => `a${i}: __typename`)} }`),
        'BAD_USER_INPUT',
        /more than 5 fields/,
      );
      expectRefused(
        await strict.gql(`{ __typename ${' __typename'.repeat(100)} }`),
        'GRAPHQL_PARSE_FAILED',
        /more tha[nt] 100 tokens/,
      );
    } finally {
      await strict.stop();
    }
  });
});
