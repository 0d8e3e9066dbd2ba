import { toGlobalId } from '../../src/graphql/global-id.js';

/** Global ids for fixtures' primary keys. */
export const gid = {
  user: (id: number) => toGlobalId('User', id),
  post: (id: number) => toGlobalId('Post', id),
  comment: (id: number) => toGlobalId('Comment', id),
};

/** The ids of a connection's nodes, in order. */
export function nodeIds(connection: { nodes: { id: string }[] } | undefined | null): string[] {
  return (connection?.nodes ?? []).map((node) => node.id);
}
