/**
 * Builds random read operations from a seed: random depth, aliases, inline and named fragments,
 * page sizes, `node(id)` and `search`. Every object selects `__typename` and `id`, and every alias
 * is `a<n>_<field>`, so the checker can tell what each part of a response is.
 */
export function randomOperation(
  seed: number,
  knownIds: string[],
): { source: string; searches: Record<string, string> } {
  const searches: Record<string, string> = {};
  const rng = mulberry32(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rng() * items.length)] as T;
  const chance = (p: number) => rng() < p;
  let aliases = 0;
  const fragments: string[] = [];

  const key = (field: string) => (chance(0.3) ? `a${++aliases}_${field}: ${field}` : field);
  // Page sizes stay within the server's row limit: up to 20 at the root, 5 below.
  const page = (depth = 1) => `first: ${pick(depth <= 1 ? [0, 1, 2, 5, 20] : [0, 1, 2, 3, 5])}`;
  const connection = (field: string, type: string, depth: number) => {
    const inner = object(type, depth + 1);
    const body = chance(0.5) ? `nodes { ${inner} }` : `edges { cursor node { ${inner} } }`;
    // Root fields are always aliased: two `posts` with different arguments would conflict.
    const name = depth <= 1 ? `a${++aliases}_${field}: ${field}` : key(field);
    return `${name}(${page(depth)}) { totalCount pageInfo { hasNextPage endCursor } ${body} }`;
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
      if (chance(0.5)) fields.push(key('commentCount'));
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
      const alias = `a${++aliases}_search`;
      searches[alias] = query;
      roots.push(
        `${alias}: search(query: "${query}", ${page()}) { totalCount nodes { ${object('Post', 2)} } }`,
      );
    } else if (knownIds.length > 0) {
      const id = pick(knownIds);
      if (root === 'node') {
        const inner = ['User', 'Post', 'Comment']
          .map((type) => `... on ${type} { ${object(type, 2)} }`)
          .join(' ');
        roots.push(`a${++aliases}_node: node(id: "${id}") { __typename id ${inner} }`);
      } else {
        roots.push(lookup(id, object, ++aliases));
      }
    }
  }
  if (roots.length === 0) roots.push(connection('posts', 'Post', 1));
  return { source: `query { ${roots.join(' ')} } ${fragments.join(' ')}`, searches };
}

function lookup(id: string, object: (type: string, depth: number) => string, n: number): string {
  const type = Buffer.from(id, 'base64url').toString('utf8').split(':')[0] as string;
  return `a${n}_${type.toLowerCase()}: ${type.toLowerCase()}(id: "${id}") { ${object(type, 2)} }`;
}

/** A small, fast, seedable PRNG, so that a failing operation can be rebuilt from its seed. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
