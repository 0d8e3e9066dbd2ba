import type { Resolvers } from '../../generated/graphql.js';
import type { CommentRow, PostRow, UserRow } from '../rows.js';
import { deleteRow, purgeRow, restoreRow } from './moderation.service.js';

/** Delete, restore and purge for users, posts and comments. */
export const moderationResolvers: Resolvers = {
  Mutation: {
    deleteUser: (_root, { id, reason }, ctx) => deleteRow(ctx, 'User', id, reason),
    deletePost: (_root, { id, reason }, ctx) => deleteRow(ctx, 'Post', id, reason),
    deleteComment: (_root, { id, reason }, ctx) => deleteRow(ctx, 'Comment', id, reason),
    restoreUser: async (_root, { id }, ctx) => (await restoreRow(ctx, 'User', id)) as UserRow,
    restorePost: async (_root, { id }, ctx) => (await restoreRow(ctx, 'Post', id)) as PostRow,
    restoreComment: async (_root, { id }, ctx) => (await restoreRow(ctx, 'Comment', id)) as CommentRow,
    purgeUser: (_root, { id }, ctx) => purgeRow(ctx, 'User', id),
    purgePost: (_root, { id }, ctx) => purgeRow(ctx, 'Post', id),
    purgeComment: (_root, { id }, ctx) => purgeRow(ctx, 'Comment', id),
  },
};
