import type { DemoToken } from '../shared/demo-tokens.js';

const ANONYMOUS = `# Anonymous: what everybody may read. Press the run button (or Ctrl-Enter).
query AnonymousFeed {
  posts(first: 5) {
    totalCount
    nodes { id title createdAt author { username } commentCount }
  }
}
`;

const AUDITOR = `# Auditor (scope audit:read): the trash with who deleted what, when and why,
# and the audit log. The Headers tab carries the auditor's token.
query AuditorTrash {
  trash(first: 10) {
    totalCount
    edges {
      node {
        __typename id deletedAt deleteReason deletedBy { username }
        ... on Post { title }
        ... on Comment { body }
        ... on User { username }
      }
      batch { rootType rootId isRoot size }
    }
  }
}

query AuditorLog {
  auditLog(first: 10) {
    nodes { action entityType entityId actor { username } reason rowCount entityIds createdAt }
  }
}
`;

const MODERATOR = `# Moderator (scope content:moderate): delete a post, find it in the trash, restore it.
# Run ModeratorDelete first (the variable names the first demo post), then ModeratorTrash,
# then ModeratorRestore.
mutation ModeratorDelete($id: ID!) {
  deletePost(id: $id, reason: "Off topic") { id deletedCount deletedIds }
}

query ModeratorTrash {
  trash(type: [POST]) { edges { node { id ... on Post { title } } batch { rootId isRoot size } } }
}

mutation ModeratorRestore($id: ID!) {
  restorePost(id: $id) { post { id title commentCount } restoredIds }
}
`;

function headersFor(tokens: DemoToken[], role: string): string {
  const token = tokens.find((t) => t.role === role)?.token ?? '<paste a token with the right scopes>';
  return JSON.stringify({ Authorization: `Bearer ${token}` }, null, 2);
}

/** The IDE's first tabs: one for anonymous, auditor and moderator use each. */
export function exampleTabs(tokens: DemoToken[]) {
  return [
    { query: ANONYMOUS, headers: '{}' },
    { query: AUDITOR, headers: headersFor(tokens, 'auditor') },
    {
      query: MODERATOR,
      headers: headersFor(tokens, 'moderator'),
      // The first demo post ("Welcome to Tombstone"); any Post id works.
      variables: JSON.stringify({ id: 'UG9zdDox' }, null, 2),
    },
  ];
}
