import fc from 'fast-check';
import { expect } from 'vitest';
import { fromGlobalId, toGlobalId } from '../../src/graphql/global-id.js';
import { type EntityPath, type ListName, type LookupType, NESTED_LISTS } from './entity-path.js';
import { nth } from './microblog.js';

/**
 * One part of a random read: a root list (`users`, `posts`) or a lookup by id (`node`, `user`,
 * `post`, `comment`), with `includeDeleted` true, false or left out, and optionally a list under
 * every object it returns (with its own `includeDeleted`); `nextPage` asks for the page after the
 * root list's, or after the nested list's under a lookup.
 */
export const probe = fc.record({
  root: fc.constantFrom('users', 'posts', 'node', 'user', 'post', 'comment'),
  target: fc.nat(),
  first: fc.constantFrom(0, 1, 2, 5, 20),
  includeDeleted: fc.constantFrom(undefined, false, true),
  nested: fc.option(
    fc.record({
      list: fc.nat(),
      first: fc.constantFrom(0, 1, 1, 2, 3, 5),
      includeDeleted: fc.constantFrom(undefined, false, true),
    }),
    { nil: null },
  ),
  nextPage: fc.boolean(),
});

type Mode = 'live' | 'all';
type Root = { list: 'Query.users' | 'Query.posts' } | { lookup: string; type: LookupType; id: number };

/** How a list or lookup is asked for: page size, `includeDeleted` as given, a next page's cursor. */
interface Ask {
  first: number;
  includeDeleted: boolean | undefined;
  after?: string;
}

/** A probe made concrete on a built microblog, with the cursor of its next page once known. */
export interface Probe {
  alias: string;
  root: Root & Ask;
  nested: ({ list: ListName } & Ask) | null;
  nextPage: boolean;
}

const modeOf = (ask: Ask): Mode => (ask.includeDeleted ? 'all' : 'live');

/** A field's arguments; a lookup takes no page. */
const args = (ask: Ask, page: boolean, ...more: string[]) =>
  [
    ...more,
    page ? `first: ${ask.first}` : '',
    page && ask.after ? `after: "${ask.after}"` : '',
    ask.includeDeleted === undefined ? '' : `includeDeleted: ${ask.includeDeleted}`,
  ]
    .filter(Boolean)
    .join(', ');

/**
 * Makes probes concrete on a microblog whose rows are `ids` (a lookup of a type without rows lists
 * users instead), and returns them with a function that writes the request for their first pages,
 * or for the next pages of those that asked for one and have a cursor by then.
 */
export function resolveProbes(
  probes: (typeof probe extends fc.Arbitrary<infer P> ? P : never)[],
  ids: Record<LookupType, number[]>,
): { probes: Probe[]; document: (later: boolean) => string } {
  const known = (['User', 'Post', 'Comment'] as const).flatMap((type) =>
    ids[type].map((id) => ({ type, id })),
  );
  const resolved = probes.map((p, i): Probe => {
    let root: Root = { list: p.root === 'posts' ? 'Query.posts' : 'Query.users' };
    let type: LookupType = p.root === 'posts' ? 'Post' : 'User';
    if (p.root === 'node' && known.length > 0) {
      const picked = nth(known, p.target);
      type = picked.type;
      root = { lookup: 'node', ...picked };
    } else if (p.root === 'user' || p.root === 'post' || p.root === 'comment') {
      const wanted = `${p.root[0]?.toUpperCase()}${p.root.slice(1)}` as LookupType;
      if (ids[wanted].length > 0) {
        type = wanted;
        root = { lookup: p.root, type, id: nth(ids[type], p.target) };
      }
    }
    return {
      alias: `p${i}`,
      root: { ...root, first: p.first, includeDeleted: p.includeDeleted },
      nested: p.nested && { ...p.nested, list: nth(NESTED_LISTS[type], p.nested.list) },
      nextPage: p.nextPage,
    };
  });
  const page = '{ totalCount pageInfo { hasNextPage endCursor } nodes { id';
  const document = (later: boolean) => {
    const parts = resolved
      .filter((p) => !later || p.root.after || p.nested?.after)
      .map(({ alias, root, nested: n }) => {
        const nested = n ? `n: ${n.list.split('.')[1]}(${args(n, true)}) ${page} } }` : '';
        if ('list' in root)
          return `${alias}: ${root.list.split('.')[1]}(${args(root, true)}) ${page} ${nested} } }`;
        const id = `id: "${toGlobalId(root.type, root.id)}"`;
        const inner = root.lookup === 'node' && nested ? `... on ${root.type} { ${nested} }` : nested;
        return `${alias}: ${root.lookup}(${args(root, false, id)}) { id ${inner} }`;
      });
    return parts.length > 0 ? `{ ${parts.join(' ')} }` : '';
  };
  return { probes: resolved, document };
}

/** A page of a connection, or an object, as the probes select them. */
interface Page {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  nodes: Found[];
}
type Found = { id: string; n?: Page };

const key = (globalId: string) => fromGlobalId(globalId)?.id as number;

/**
 * Holds one probe's part of a response to what `entities` return for it, and notes the cursor of
 * the page it asks for next, if any. `later`: this is the response to that next page.
 */
export async function checkProbe(
  p: Probe,
  value: unknown,
  entities: EntityPath,
  source: string,
  later = false,
): Promise<void> {
  const check = async (got: Page, list: ListName, parent: number | null, ask: Ask, offset: number) => {
    const mode = modeOf(ask);
    const where = `${list} of ${parent} (${mode}, first ${ask.first}, offset ${offset}) in ${source}`;
    const expected = await entities.list(mode, list, parent, ask.first, offset);
    expect(
      got.nodes.map((node) => key(node.id)),
      where,
    ).toEqual(expected.ids);
    expect(got.totalCount, where).toBe(expected.totalCount);
    if (ask.first > 0) {
      expect(got.pageInfo.hasNextPage, where).toBe(offset + expected.ids.length < expected.totalCount);
    }
    // Only the page a probe asks about next gets a cursor: a root list's, or a lookup's nested list's.
    if (!later && p.nextPage) ask.after = got.pageInfo.endCursor ?? undefined;
  };
  const { root, nested } = p;
  let parents: Found[];
  if ('list' in root) {
    const got = value as Page;
    await check(got, root.list, null, root, later ? root.first : 0);
    parents = got.nodes;
  } else {
    const mode = modeOf(root);
    const expected = await entities.lookup(mode, root.type, root.id);
    const got = value as Found | null;
    expect(got && key(got.id), `${root.lookup} ${root.id} (${mode}) in ${source}`).toBe(expected);
    parents = got ? [got] : [];
  }
  if (!nested) return;
  // The next page of a root list shows the first pages of the lists under its rows.
  const offset = later && !('list' in root) ? nested.first : 0;
  for (const parent of parents) {
    await check(parent.n as Page, nested.list, key(parent.id), nested, offset);
  }
  // Under a root list, nested lists stay on their first page: their parents vary.
  if ('list' in root) nested.after = undefined;
}
