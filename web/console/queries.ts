/** The operations the console sends, and the shapes it reads back. */

export type RowType = 'User' | 'Post' | 'Comment';

/** One row of the trash, as the console shows it. */
export interface TrashRow {
  cursor: string;
  node: {
    __typename: RowType;
    id: string;
    username?: string;
    title?: string;
    body?: string;
    author?: { username: string } | null;
    post?: { title: string } | null;
    deletedAt?: string | null;
    deleteReason?: string | null;
    deletedBy?: { username: string } | null;
  };
  batch: { id: string | null; rootType: RowType; rootId: string; isRoot: boolean; size: number };
}

export interface TrashPage {
  trash: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: TrashRow[];
  };
}

/** `$audit` adds the tombstone fields, which need audit:read: others never ask for them. */
export const TRASH = /* GraphQL */ `
  query ConsoleTrash(
    $type: [SoftDeletableType!], $deletedBy: ID, $deletedAfter: DateTime, $deletedBefore: DateTime,
    $batch: ID, $after: String, $audit: Boolean!
  ) {
    trash(
      type: $type, deletedBy: $deletedBy, deletedAfter: $deletedAfter, deletedBefore: $deletedBefore,
      batch: $batch, first: 10, after: $after
    ) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges {
        cursor
        node {
          __typename
          id
          ... on User { username }
          ... on Post { title author { username } }
          ... on Comment { body author { username } post { title } }
          deletedAt @include(if: $audit)
          deleteReason @include(if: $audit)
          deletedBy @include(if: $audit) { username }
        }
        batch { id rootType rootId isRoot size }
      }
    }
  }
`;

/** The actor filter takes a username; the API takes the user's id (deleted users included). */
export const USER_ID = /* GraphQL */ `
  query ConsoleActor($username: String!) { user(username: $username, includeDeleted: true) { id } }
`;

export interface AuditEventRow {
  id: string;
  action: 'DELETE' | 'RESTORE' | 'PURGE';
  entityType: string;
  entityId: string;
  actor: { username: string } | null;
  actorId: string | null;
  /** Set when no user acted, e.g. `cli:purge` for `npm run purge`. */
  actorLabel: string | null;
  reason: string | null;
  rowCount: number;
  entityIds: string[];
  createdAt: string;
}

export const HISTORY = /* GraphQL */ `
  query ConsoleHistory($id: ID!) {
    auditLog(entityId: $id, first: 50) {
      nodes { id action entityType entityId actor { username } actorId actorLabel reason rowCount entityIds createdAt }
    }
  }
`;

export const PURGE_COUNT = /* GraphQL */ `
  query ConsolePurgeCount($batch: ID!) { trash(batch: $batch, first: 1) { edges { batch { purgeCount } } } }
`;

/** What `restorePost(id:)` and its siblings answer that the console reads. */
export interface RestoreResult {
  /** The root, root first, then every row the restore brought back. */
  restoredIds: string[];
}

/** `restorePost(id:)` and its siblings: the restored row (`post`, `user`, `comment`) and every row it brought back. */
export const restore = (type: RowType) => /* GraphQL */ `
  mutation ConsoleRestore($id: ID!) { restore${type}(id: $id) { id ${type.toLowerCase()} { id } restoredIds } }
`;

/** `purgePost(id:)` and its siblings. */
export const purge = (type: RowType) => /* GraphQL */ `
  mutation ConsolePurge($id: ID!) { purge${type}(id: $id) { purgedCount } }
`;

export interface FeedPost {
  id: string;
  title: string;
  createdAt: string;
  commentCount: number;
  author: { username: string } | null;
}

export const FEED = /* GraphQL */ `
  query ConsoleFeed { posts(first: 10) { totalCount nodes { id title createdAt commentCount author { username } } } }
`;

export const VIEWER = /* GraphQL */ `
  query ConsoleViewer { viewer { username } }
`;

/** How the console names a row: its type and what a person recognizes it by. */
export function describe(node: TrashRow['node']): string {
  if (node.__typename === 'User') return `@${node.username}`;
  if (node.__typename === 'Post') return `“${node.title}”`;
  const body = node.body ?? '';
  return `“${body.length > 60 ? `${body.slice(0, 57)}…` : body}”`;
}
