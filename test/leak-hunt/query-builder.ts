import { prng } from '../../bench/random.mjs';

/**
 * Builds random read operations from a seed: random depth, aliases, inline and named fragments,
 * page sizes, `node(id)` and `search`. Every object selects `__typename` and `id`, and every alias
 * is `a<n>_<field>`, so the checker can tell what each part of a response is.
 *
 * With `audit`, every list, count and lookup is given `includeDeleted: true`, `false` or nothing
 * at random, at any depth, and aliased `a<n>d_<field>` when true (see {@link parseKey}).
 */
export function randomOperation(
  seed: number,
  knownIds: string[],
  audit = false,
): { source: string; searches: Record<string, string> } {
  const searches: Record<string, string> = {};
  const rng = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rng() * items.length)] as T;
  const chance = (p: number) => rng() < p;
  let aliases = 0;
  const fragments: string[] = [];

  const key = (field: string) => (chance(0.3) ? `a${++aliases}_${field}: ${field}` : field);
  // A field that takes includeDeleted: its alias says whether it asked for deleted rows.
  const listKey = (field: string, root: boolean) => {
    const mode = audit ? pick(['', 'includeDeleted: false', 'includeDeleted: true']) : '';
    if (mode.endsWith('true')) return { name: `a${++aliases}d_${field}: ${field}`, mode };
    return { name: root ? `a${++aliases}_${field}: ${field}` : key(field), mode };
  };
  const args = (...list: string[]) => {
    const given = list.filter(Boolean);
    return given.length > 0 ? `(${given.join(', ')})` : '';
  };
  // Page sizes stay within the server's row limit: up to 20 at the root, 5 below.
  const page = (depth = 1) => `first: ${pick(depth <= 1 ? [0, 1, 2, 5, 20] : [0, 1, 2, 3, 5])}`;
  const connection = (field: string, type: string, depth: number) => {
    const inner = object(type, depth + 1);
    const body = chance(0.5) ? `nodes { ${inner} }` : `edges { cursor node { ${inner} } }`;
    // Root fields are always aliased: two `posts` with different arguments would conflict.
    const { name, mode } = listKey(field, depth <= 1);
    return `${name}${args(page(depth), mode)} { totalCount pageInfo { hasNextPage endCursor } ${body} }`;
  };
  const object = (type: string, depth: number): string => {
    const fields = ['__typename', 'id', 'isDeleted'];
    const deeper = depth < 4;
    if (type === 'User') {
      fields.push('username');
      if (deeper) {
        for (const list of ['posts', 'comments', 'followers', 'following']) {
          if (chance(0.3))
            fields.push(
              connection(list, list.startsWith('f') ? 'User' : list === 'posts' ? 'Post' : 'Comment', depth),
            );
        }
      }
    } else if (type === 'Post') {
      fields.push('title');
      if (chance(0.5)) {
        const { name, mode } = listKey('commentCount', false);
        fields.push(`${name}${args(mode)}`);
      }
      if (deeper && chance(0.4)) fields.push(`${key('author')} { ${object('User', depth + 1)} }`);
      if (deeper && chance(0.5)) fields.push(connection('comments', 'Comment', depth));
    } else {
      fields.push('body');
      if (deeper && chance(0.3)) fields.push(`${key('post')} { ${object('Post', depth + 1)} }`);
      if (deeper && chance(0.3)) fields.push(`${key('author')} { ${object('User', depth + 1)} }`);
      if (deeper && chance(0.3)) fields.push(`${key('parent')} { ${object('Comment', depth + 1)} }`);
      if (deeper && chance(0.4)) fields.push(connection('replies', 'Comment', depth));
    }
    const selection = fields.join(' ');
    if (chance(0.2)) {
      const name = `F${fragments.length}`;
      fragments.push(`fragment ${name} on ${type} { ${selection} }`);
      return `...${name}`;
    }
    return chance(0.2) ? `... on ${type} { ${selection} }` : selection;
  };

  const roots: string[] = [];
  const count = 1 + Math.floor(rng() * 3);
  for (let i = 0; i < count; i++) {
    const root = pick(['users', 'posts', 'search', 'node', 'lookup'] as const);
    if (root === 'users') roots.push(connection('users', 'User', 1));
    else if (root === 'posts') roots.push(connection('posts', 'Post', 1));
    else if (root === 'search') {
      const query = pick(['hello', 'tombstone', 'post', 'soft delete']);
      const { name, mode } = listKey('search', true);
      searches[name.split(':')[0] as string] = query;
      roots.push(
        `${name}${args(`query: "${query}"`, page(), mode)} { totalCount nodes { ${object('Post', 2)} } }`,
      );
    } else if (knownIds.length > 0) {
      const id = pick(knownIds);
      if (root === 'node') {
        const inner = ['User', 'Post', 'Comment']
          .map((type) => `... on ${type} { ${object(type, 2)} }`)
          .join(' ');
        const { name, mode } = listKey('node', true);
        roots.push(`${name}${args(`id: "${id}"`, mode)} { __typename id ${inner} }`);
      } else {
        const type = Buffer.from(id, 'base64url').toString('utf8').split(':')[0] as string;
        const { name, mode } = listKey(type.toLowerCase(), true);
        roots.push(`${name}${args(`id: "${id}"`, mode)} { ${object(type, 2)} }`);
      }
    }
  }
  if (roots.length === 0) roots.push(connection('posts', 'Post', 1));
  return { source: `query { ${roots.join(' ')} } ${fragments.join(' ')}`, searches };
}

/** The field a response key stands for, and whether it asked for deleted rows (`a<n>d_` aliases). */
export function parseKey(key: string): { field: string; includeDeleted: boolean } {
  const match = /^a\d+(d?)_(.+)$/.exec(key);
  return match
    ? { field: match[2] as string, includeDeleted: match[1] === 'd' }
    : { field: key, includeDeleted: false };
}
