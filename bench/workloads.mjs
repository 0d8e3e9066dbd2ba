// The workloads, as each system spells them. `null` where a system has no equivalent.
const q = (query, variables) => JSON.stringify(variables ? { query, variables } : { query });

export const WORKLOADS = ['W1', 'W2', 'W3', 'W4', 'W5', 'W6'];

/**
 * Page-size sweeps for the growth study (ours and off only): `F<n>` is W1 with `posts(first: n)`,
 * `N<n>` is W2 with `users(first: n)`, so the rows a request returns grow with n.
 */
export const SWEEPS = ['F10', 'F50', 'F100', 'N5', 'N10', 'N40'];

const feed = (first) => `{ posts(first: ${first}) { nodes { title author { username } commentCount } } }`;
// `inc` goes on every list: a field's includeDeleted is its own, never inherited from above.
const nested = (first, inc = '') =>
  `{ users(first: ${first}${inc}) { nodes { posts(first: 10${inc}) { nodes { comments(first: 10${inc}) { totalCount nodes { body author { username } } } } } } } }`;

/** Whether a system runs on the copy without tombstones (the feature-off servers). */
export function onCopy(system) {
  return system === 'off' || system === 'twin';
}

/** Request bodies per workload and system; `sample` holds live ids and words from the database. */
export function bodies(workload, system, sample) {
  // off and its twin are this server with the feature off: they answer what ours answers.
  const ours = system === 'ours' || onCopy(system);
  const sweep = /^([FN])(\d+)$/.exec(workload);
  if (sweep) {
    if (!ours) return null;
    return [q(sweep[1] === 'F' ? feed(Number(sweep[2])) : nested(Number(sweep[2])))];
  }
  switch (workload) {
    case 'W1':
      if (ours) return [q(feed(20))];
      if (system === 'postgraphile') {
        return [
          q(
            '{ allPosts(first: 20, orderBy: [CREATED_AT_DESC, ROW_ID_DESC]) { nodes { title userByAuthorId { username } commentsByPostId { totalCount } } } }',
          ),
        ];
      }
      return null;
    case 'W2':
    case 'W6': {
      // W6 needs an auditor's includeDeleted: ours and the hand-written floor answer it; off and
      // its twin serve it too, as history only (see historyOnly).
      if (workload === 'W6' && !ours && system !== 'handwritten') return null;
      const inc = workload === 'W6' ? ', includeDeleted: true' : '';
      if (ours || system === 'handwritten') {
        return [q(nested(20, inc))];
      }
      return [
        q(`{ allUsers(first: 20, orderBy: [CREATED_AT_DESC, ROW_ID_DESC]) { nodes { postsByAuthorId(first: 10, orderBy: [CREATED_AT_DESC, ROW_ID_DESC]) { nodes {
        commentsByPostId(first: 10, condition: { parentId: null }, orderBy: [CREATED_AT_ASC, ROW_ID_ASC]) { totalCount nodes { body userByAuthorId { username } } } } } } } }`),
      ];
    }
    case 'W3':
      if (ours)
        return sample.nodeIds.map((id) =>
          q('query($id: ID!) { node(id: $id) { id ... on Post { title } ... on User { username } } }', {
            id,
          }),
        );
      if (system === 'postgraphile') {
        return sample.rowIds.map(([type, id]) =>
          type === 'Post'
            ? q('query($id: Int!) { postByRowId(rowId: $id) { title } }', { id })
            : q('query($id: Int!) { userByRowId(rowId: $id) { username } }', { id }),
        );
      }
      return null;
    case 'W4':
      if (ours)
        return sample.words.map((word) =>
          q('query($q: String!) { search(query: $q, first: 20) { nodes { title } } }', { q: word }),
        );
      return null;
    case 'W5': {
      // Off and its twin write too, so that every server of ours' code has the same history when
      // it serves the reads (see historyOnly). They share the copy's database, and two servers
      // deleting and restoring the same comments would undo each other's work: the twin gets
      // comments of its own. Ours and off write the same comments, each in its own database.
      if (!ours) return null;
      const commentIds = system === 'twin' ? sample.twinCommentIds : sample.commentIds;
      const reads = ['W1', 'W2', 'W3', 'W4'].flatMap((w) => bodies(w, 'ours', sample).slice(0, 5));
      const mixed = [];
      commentIds.forEach((_, i) => {
        for (let r = 0; r < 9; r++) mixed.push(reads[(i * 9 + r) % reads.length]);
        mixed.push(
          q(`mutation($id: ID!) { ${i % 2 === 0 ? 'deleteComment' : 'restoreComment'}(id: $id) { id } }`, {
            id: commentIds[i - (i % 2)],
          }),
        );
      });
      return mixed;
    }
    default:
      return null;
  }
}

/**
 * Whether a system serves a workload only for the history it leaves: W6 on the feature-off
 * servers. A server's earlier traffic slows its later reads (its writes and auditor reads slowed
 * a feature-off server's W1 by 3-5%, docs/performance.md), so off and the twin serve everything
 * ours serves. But on the copy, which holds no tombstones, an auditor's W6 returns W2's rows:
 * its answers are never checked against ours' and never compared with them.
 */
export function historyOnly(workload, system) {
  return workload === 'W6' && onCopy(system);
}

/** What must be equal between systems for a workload, extracted from a response. */
export function essence(workload, system, body) {
  const data = body.data;
  if (!data) return { errors: body.errors };
  if (workload === 'W1') {
    const nodes = system === 'postgraphile' ? data.allPosts.nodes : data.posts.nodes;
    return nodes.map((n) => [
      n.title,
      (n.author ?? n.userByAuthorId).username,
      n.commentCount ?? n.commentsByPostId.totalCount,
    ]);
  }
  if (workload === 'W2' || workload === 'W6') {
    const users = system === 'postgraphile' ? data.allUsers.nodes : data.users.nodes;
    return users.map((u) =>
      (u.posts ?? u.postsByAuthorId).nodes.map((p) => {
        const comments = p.comments ?? p.commentsByPostId;
        return [
          comments.totalCount,
          comments.nodes.map((c) => [c.body, (c.author ?? c.userByAuthorId).username]),
        ];
      }),
    );
  }
  if (workload === 'W3') {
    const node = data.node ?? data.postByRowId ?? data.userByRowId;
    return node ? (node.title ?? node.username) : null;
  }
  return data;
}

/**
 * Rows an answer returns: the entries of every `nodes` list, nested ones included; an answer
 * without lists (`node(id)`) counts its non-null top-level fields.
 */
export function rowsReturned(body) {
  let count = 0;
  const walk = (value) => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        if (key === 'nodes' && Array.isArray(child)) count += child.length;
        walk(child);
      }
    }
  };
  walk(body.data);
  return count > 0 ? count : Object.values(body.data ?? {}).filter((v) => v !== null).length;
}
