import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fromGlobalId } from '../../src/graphql/global-id.js';
import { gid } from '../support/ids.js';
import { codes, type GqlResponse, startTestApp, type TestApp } from '../support/test-app.js';
import { type Actors, buildMicroblog, checkedGql, createActors, microblogFields, nth } from './microblog.js';
import { Oracle } from './oracle.js';
import { parseKey, randomOperation } from './query-builder.js';

/*
 * A randomized leak hunt. Each run builds a random microblog through the API, applies random
 * deletes, restores, purges and creates by random actors, then asks random queries as anonymous
 * and ordinary users and checks every response against an oracle computed from the tables:
 * - no id of a tombstoned row, or of a row under a hidden parent, appears anywhere;
 * - every totalCount and commentCount equals the number of visible rows, and walking a connection
 *   to its end yields exactly those rows;
 * - an auditor's queries, with includeDeleted true, false or omitted at random on every list,
 *   count and lookup, get from each field what it asks for itself, whatever the fields above asked
 *   for: every existing row with true, the live ones otherwise; to-one fields the stored parent;
 * - an auditor with includeDeleted finds every row that was not purged, and no purged one.
 * Seeded: a failure prints the seed and a shrunk scenario. LEAK_HUNT_RUNS and LEAK_HUNT_SEED
 * make longer or repeated local runs.
 */
const RUNS = Number(process.env.LEAK_HUNT_RUNS ?? 150);
const SEED = process.env.LEAK_HUNT_SEED ? Number(process.env.LEAK_HUNT_SEED) : undefined;

let t: TestApp;
let as: Actors;
let run = 0;
beforeAll(async () => {
  t = await startTestApp();
  as = await createActors(t);
});
afterAll(() => t?.stop());

const scenario = fc.record({
  ...microblogFields,
  queries: fc.array(fc.integer(), { minLength: 1, maxLength: 4 }),
  walk: fc.record({ pageSize: fc.integer({ min: 1, max: 4 }), list: fc.nat() }),
});
type Scenario = typeof scenario extends fc.Arbitrary<infer S> ? S : never;

it('no tombstone escapes, counts match what is shown, auditors see all that is not purged', {
  timeout: 600_000,
}, async () => {
  await fc.assert(fc.asyncProperty(scenario, check), {
    numRuns: RUNS,
    ...(SEED === undefined ? {} : { seed: SEED }),
    // About a minute in CI; LEAK_HUNT_RUNS raises both the runs and this budget for long local hunts.
    interruptAfterTimeLimit: Math.max(60_000, RUNS * 400),
    markInterruptAsFailure: false,
  });
});

function gql(query: string, variables: Record<string, unknown>, who?: { userId: number; scopes?: string[] }) {
  return checkedGql(t, query, variables, who);
}

async function check(s: Scenario): Promise<void> {
  const prefix = `r${++run}`;
  const { users, ids } = await buildMicroblog(t, as, s, prefix);

  const oracle = await Oracle.read(t);
  const known = [...ids.User.map(gid.user), ...ids.Post.map(gid.post), ...ids.Comment.map(gid.comment)];
  for (const seed of s.queries) {
    const reading = Math.abs(seed) % 3; // anonymous, an ordinary user, an auditor
    const { source, searches } = randomOperation(seed, known, reading === 2);
    const reader =
      reading === 0 ? undefined : reading === 1 ? as.user(nth(users, Math.abs(seed) >>> 2)) : as.auditor();
    const res = await gql(source, {}, reader);
    // A reader deleted by the scenario no longer authenticates; that is the point, not a leak.
    if (reader && codes(res).includes('UNAUTHENTICATED')) continue;
    expect(res.errors, source).toBeUndefined();
    await checkRow(res.data, { type: 'Query', id: null, live: true }, oracle, searches, source);
  }

  await walk(s, oracle, users, ids);
  await auditorSeesAll(known);
}

/** How a value was reached: by a list, count or lookup (with its own includeDeleted), or a to-one field. */
type Place =
  | { kind: 'list'; includeDeleted: boolean }
  | { kind: 'toOne'; stored: number | null | undefined; underLive: boolean };

/** Checks one object read from `place` (or several, or a connection), then its fields. */
async function checkValue(
  value: unknown,
  place: Place,
  oracle: Oracle,
  searches: Record<string, string>,
  source: string,
): Promise<void> {
  if (Array.isArray(value)) {
    for (const item of value) await checkValue(item, place, oracle, searches, source);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  const record = value as Record<string, unknown>;
  if (typeof record.__typename !== 'string' || typeof record.id !== 'string') {
    // A connection, an edge or page info: its rows were reached as the connection field was.
    for (const child of Object.values(record)) await checkValue(child, place, oracle, searches, source);
    return;
  }
  const row = oracle.row(record.id);
  const where = `${record.__typename} ${record.id} in ${source}`;
  expect(row, `${where} does not exist`).toBeDefined();
  if (place.kind === 'toOne') {
    // The stored parent, to whoever sees the row; a live row's parents are live (the invariant).
    expect(fromGlobalId(record.id)?.id, `${where} is not the stored parent`).toBe(place.stored);
    if (place.underLive) expect(oracle.visible(record.id), `${where} under a live row`).toBe(true);
  } else if (!place.includeDeleted) {
    expect(oracle.visible(record.id), `${where} leaked`).toBe(true);
  }
  expect(record.isDeleted, where).toBe(!row?.live);
  const self = {
    type: record.__typename,
    id: fromGlobalId(record.id)?.id as number,
    live: row?.live ?? false,
  };
  await checkRow(record, self, oracle, searches, source);
}

/** Checks the fields of one row (or of `Query`): each by its own arguments and the row alone. */
async function checkRow(
  value: unknown,
  self: { type: string; id: number | null; live: boolean },
  oracle: Oracle,
  searches: Record<string, string>,
  source: string,
): Promise<void> {
  if (typeof value !== 'object' || value === null) return;
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    const { field, includeDeleted } = parseKey(key);
    if (field === 'commentCount' && self.type === 'Post') {
      expect(child, `commentCount of post ${self.id} in ${source}`).toBe(
        oracle.commentCount(self.id as number, includeDeleted),
      );
    }
    if (typeof child === 'object' && child !== null && 'totalCount' in child) {
      const connection = child as {
        totalCount: number;
        nodes?: { id: string }[];
        edges?: { node: { id: string } }[];
      };
      const shown = (connection.nodes ?? connection.edges?.map((e) => e.node) ?? []).map(
        (n) => fromGlobalId(n.id)?.id,
      );
      const expected =
        field === 'search'
          ? await searchOracle(searches[key] as string, includeDeleted)
          : oracle.list(self.type, self.id, field, includeDeleted);
      if (expected) {
        expect(connection.totalCount, `${self.type}.${field} of ${self.id} in ${source}`).toBe(
          expected.length,
        );
        for (const id of shown) expect(expected).toContain(id);
      }
    }
    const stored = self.id === null ? undefined : oracle.stored(self.type, self.id, field);
    const place: Place =
      stored !== undefined
        ? { kind: 'toOne', stored, underLive: self.live }
        : { kind: 'list', includeDeleted };
    await checkValue(child, place, oracle, searches, source);
  }
}

async function searchOracle(query: string, includeDeleted: boolean): Promise<number[]> {
  const rows = await t.sql(
    `select p.id from post p join users u on u.id = p.author_id
     where ($2 or (p.deleted_at is null and u.deleted_at is null))
       and p.search_vector @@ websearch_to_tsquery('english', $1)`,
    [query, includeDeleted],
  );
  return rows.map((r) => r.id as number);
}

/** Walks one connection to its end and compares what it yielded with the oracle. */
async function walk(s: Scenario, oracle: Oracle, users: number[], ids: { Post: number[] }) {
  const visibleUsers = users.filter((u) => oracle.userVisible(u));
  const visiblePosts = ids.Post.filter((p) => oracle.postVisible(p));
  const lists: { type: string; id: number | null; field: string; query: string }[] = [
    { type: 'Query', id: null, field: 'posts', query: 'posts(first: $first, after: $after)' },
    ...visibleUsers.flatMap((u) =>
      ['posts', 'comments', 'followers', 'following'].map((field) => ({
        type: 'User',
        id: u,
        field,
        query: `user(id: "${gid.user(u)}") { ${field}(first: $first, after: $after)`,
      })),
    ),
    ...visiblePosts.map((p) => ({
      type: 'Post',
      id: p,
      field: 'comments',
      query: `post(id: "${gid.post(p)}") { comments(first: $first, after: $after)`,
    })),
  ];
  const list = lists[s.walk.list % lists.length] as (typeof lists)[number];
  const close = list.type === 'Query' ? '' : ' }';
  const seen: number[] = [];
  let after: string | null = null;
  // Enough pages for the whole list and two more (rows accumulate across the property's runs, so
  // a fixed cap would end a one-row-per-page walk early), yet bounded if hasNextPage never ends.
  const maxPages =
    Math.ceil((oracle.list(list.type, list.id, list.field) as number[]).length / s.walk.pageSize) + 2;
  for (let pages = 0; pages < maxPages; pages++) {
    const res: GqlResponse = await gql(
      `query($first: Int, $after: String) { ${list.query} { totalCount nodes { id } pageInfo { hasNextPage endCursor } }${close} }`,
      { first: s.walk.pageSize, after },
    );
    const root = Object.values(res.data ?? {})[0] as Record<string, any>;
    const connection = list.type === 'Query' ? root : root[list.field];
    const expected = oracle.list(list.type, list.id, list.field) as number[];
    expect(connection.totalCount).toBe(expected.length);
    seen.push(...connection.nodes.map((n: { id: string }) => fromGlobalId(n.id)?.id as number));
    if (!connection.pageInfo.hasNextPage) break;
    after = connection.pageInfo.endCursor;
  }
  const expected = oracle.list(list.type, list.id, list.field) as number[];
  expect(new Set(seen).size, `walk of ${list.type}.${list.field}`).toBe(seen.length);
  expect([...seen].sort((a, b) => a - b)).toEqual([...expected].sort((a, b) => a - b));
}

/** Every row of this run that still exists is found by an auditor; purged ones are not. */
async function auditorSeesAll(known: string[]) {
  for (let start = 0; start < known.length; start += 40) {
    const chunk = known.slice(start, start + 40);
    const body = chunk.map(
      (id, i) => `n${i}: node(id: "${id}", includeDeleted: true) { id ... on SoftDeletable { isDeleted } }`,
    );
    const res = await gql(`{ ${body.join(' ')} }`, {}, as.auditor());
    expect(res.errors).toBeUndefined();
    for (const [i, id] of chunk.entries()) {
      const parsed = fromGlobalId(id) as { type: string; id: number };
      const table = parsed.type === 'User' ? 'users' : parsed.type.toLowerCase();
      const [row] = await t.sql(`select deleted_at is not null as deleted from ${table} where id = $1`, [
        parsed.id,
      ]);
      const found = res.data?.[`n${i}`];
      if (row)
        expect(found, `${id} exists but the auditor cannot find it`).toEqual({ id, isDeleted: row.deleted });
      else expect(found, `${id} was purged but the auditor still finds it`).toBeNull();
    }
  }
}
