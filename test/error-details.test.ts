import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BadRequestError,
  BadUserInputError,
  CodedError,
  NotFoundError,
  UnauthenticatedError,
} from '../src/errors.js';
import { SoftDeleteError, CodedError as ToolkitCodedError } from '../src/soft-delete/index.js';
import { fixtures } from './support/fixtures.js';
import { gid } from './support/ids.js';
import { codes, type GqlResponse, startTestApp, type TestApp } from './support/test-app.js';

/** Every response error, stack traces included, as the client sees it. */
const stacktraces = (res: GqlResponse) => (res.errors ?? []).map((error) => error.extensions?.stacktrace);

describe('in development, client errors carry no stack trace', () => {
  let dev: TestApp;
  let owner: number;
  let other: number;
  beforeAll(async () => {
    dev = await startTestApp({ nodeEnv: 'development' });
    const f = fixtures(dev);
    owner = await f.user('trace_owner');
    other = await f.user('trace_other');
  });
  afterAll(() => dev?.stop());

  it('so restorePost answers "not yours" and "never existed" identically', async () => {
    const post = await dev.gql(
      'mutation { createPost(input: { title: "Mine", body: "b" }) { id } }',
      {},
      { userId: owner },
    );
    const id = post.data?.createPost.id as string;
    const deleted = await dev.gql(
      'mutation($id: ID!) { deletePost(id: $id) { deletedCount } }',
      { id },
      { userId: owner },
    );
    expect(deleted.errors).toBeUndefined();
    const restore = 'mutation($id: ID!) { restorePost(id: $id) { id } }';
    const notYours = await dev.gql(restore, { id }, { userId: other });
    const neverExisted = await dev.gql(restore, { id: gid.post(999_999) }, { userId: other });
    expect(codes(notYours)).toEqual(['NOT_FOUND']);
    expect(notYours).toEqual(neverExisted);
    expect(stacktraces(notYours)).toEqual([undefined]);
  });

  it.each([
    ['a validation error', '{ nope }', 'GRAPHQL_VALIDATION_FAILED'],
    ['a syntax error', '{ posts {', 'GRAPHQL_PARSE_FAILED'],
    ['a bad id', '{ node(id: "not-an-id") { id } }', 'BAD_USER_INPUT'],
    [
      'a limit',
      `{ ${Array.from({ length: 51 }, (_, i) => `a${i}: __typename`).join(' ')} }`,
      'BAD_USER_INPUT',
    ],
    [
      'a missing viewer',
      'mutation { createPost(input: { title: "t", body: "b" }) { id } }',
      'UNAUTHENTICATED',
    ],
    ['a subscription', 'subscription { posts { id } }', 'BAD_REQUEST'],
  ])('nor does %s', async (_, query, code) => {
    const res = await dev.gql(query);
    expect(codes(res)).toEqual([code]);
    expect(stacktraces(res)).toEqual([undefined]);
  });
});

describe('suggestions ("Did you mean …?")', () => {
  let prod: TestApp;
  let dev: TestApp;
  let userId: number;
  beforeAll(async () => {
    [prod, dev] = await Promise.all([
      startTestApp({ nodeEnv: 'production' }),
      startTestApp({ nodeEnv: 'development' }),
    ]);
    userId = await fixtures(prod).user('suggested');
    await fixtures(dev).user('suggested');
  });
  afterAll(async () => {
    await prod?.stop();
    await dev?.stop();
  });

  /** What is mistyped, the request, and the name a suggestion would give away. */
  const typos: [string, string, Record<string, unknown>, string][] = [
    ['a field', '{ viewer { usernam } }', {}, '"username"'],
    ['a gated field', '{ posts { nodes { deletedA } } }', {}, '"deletedAt"'],
    ['a gated argument', '{ posts(includeDelete: true) { totalCount } }', {}, '"includeDeleted"'],
    ['an enum value', '{ trash(type: [POSTS]) { totalCount } }', {}, '"POST"'],
    [
      'an input field in a variable (coerced during execution)',
      'mutation($input: UpdatePostInput!) { updatePost(id: "x", input: $input) { id } }',
      { input: { titel: 't' } },
      '"title"',
    ],
  ];
  const messages = (res: GqlResponse) => (res.errors ?? []).map((error) => error.message).join('\n');

  it.each(typos)('for %s are given in development', async (_, query, variables, name) => {
    const res = await dev.gql(query, variables, { userId, scopes: ['audit:read'] });
    expect(messages(res)).toMatch(/Did you mean/);
    expect(messages(res)).toContain(name);
  });

  it.each(typos)('for %s are never given in production', async (_, query, variables, name) => {
    const res = await prod.gql(query, variables, { userId, scopes: ['audit:read'] });
    expect(res.status).toBe(400);
    expect(res.errors?.length).toBeGreaterThan(0);
    expect(messages(res)).not.toMatch(/Did you mean/);
    expect(messages(res)).not.toContain(name);
  });
});

describe('one error vocabulary', () => {
  it("shares one base between the toolkit's errors and the application's", () => {
    expect(CodedError).toBe(ToolkitCodedError);
    for (const error of [
      SoftDeleteError.notFound('Post'),
      NotFoundError.entity('Post'),
      BadUserInputError.invalidDateTime(),
      UnauthenticatedError.invalidToken(),
      BadRequestError.subscriptionsNotOffered(),
    ]) {
      expect(error).toBeInstanceOf(CodedError);
    }
  });
});
