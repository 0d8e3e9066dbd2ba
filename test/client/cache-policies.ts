import { defaultDataIdFromObject, type FieldPolicy, InMemoryCache, type TypePolicies } from '@apollo/client';

/*
 * The cache set-up the README's "Using it from a client" recommends, as an app would write it.
 */

/**
 * `keyArgs` for a field that takes `includeDeleted`: the entry depends on that argument (false
 * when omitted, as the server defaults it, so `posts` and `posts(includeDeleted: false)` share
 * one entry) and on `others` (for connections, `after`: one entry per page).
 */
export function byVisibility(...others: string[]): FieldPolicy['keyArgs'] {
  return (args) =>
    JSON.stringify({
      includeDeleted: args?.includeDeleted === true,
      ...Object.fromEntries(others.map((name) => [name, args?.[name] ?? null])),
    });
}

const page = { keyArgs: byVisibility('after') };
const count = { keyArgs: byVisibility() };

/** Field policies: every list and count of soft-deletable rows is keyed by its own includeDeleted. */
export const typePolicies: TypePolicies = {
  Query: {
    fields: {
      users: page,
      posts: page,
      search: { keyArgs: byVisibility('query', 'after') },
    },
  },
  User: { fields: { posts: page, comments: page, followers: page, following: page } },
  Post: { fields: { comments: page, commentCount: count } },
  Comment: { fields: { replies: page } },
  // A payload's `posts { totalCount }` refreshes the count of a cached page, keeping its rows.
  UserConnection: { merge: true },
  PostConnection: { merge: true },
  CommentConnection: { merge: true },
};

/** The types implementing `Node` (and `SoftDeletable`). */
const NODE_TYPES = ['User', 'Post', 'Comment'];

/**
 * A cache keying `Node` objects by their global id (unique across types, as Relay's are), so that
 * `deletedIds` can be evicted as they come, whatever their type. Only `Node` types: a payload's
 * `id` names the row it concerns, and the payload is not that row.
 */
export function createCache(): InMemoryCache {
  return new InMemoryCache({
    typePolicies,
    possibleTypes: { Node: NODE_TYPES, SoftDeletable: NODE_TYPES },
    dataIdFromObject: (object, context) =>
      NODE_TYPES.includes(object.__typename ?? '') && typeof object.id === 'string'
        ? object.id
        : defaultDataIdFromObject(object, context),
  });
}
