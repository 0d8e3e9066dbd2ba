import type { Resolvers } from '../../generated/graphql.js';
import type { CommentRow, PostRow, UserRow } from '../rows.js';
import { deleteRow, type Parents, purgeRow, restoreRow } from './moderation.service.js';

// The parents a payload returns: each type's are fixed by its rules in the service.
const author = (parents: Parents) => parents.author as UserRow;
const post = (parents: Parents) => parents.post as PostRow;
const parent = (parents: Parents) => (parents.parent ?? null) as CommentRow | null;

/** Delete, restore and purge for users, posts and comments. */
export const moderationResolvers: Resolvers = {
  Mutation: {
    deleteUser: (_root, { id, reason }, ctx) => deleteRow(ctx, 'User', id, reason),
    deletePost: async (_root, { id, reason }, ctx) => {
      const payload = await deleteRow(ctx, 'Post', id, reason);
      return { ...payload, author: author(payload.parents) };
    },
    deleteComment: async (_root, { id, reason }, ctx) => {
      const payload = await deleteRow(ctx, 'Comment', id, reason);
      const { parents } = payload;
      return { ...payload, post: post(parents), parent: parent(parents), author: author(parents) };
    },
    restoreUser: async (_root, { id }, ctx) => {
      const payload = await restoreRow(ctx, 'User', id);
      return { ...payload, user: payload.row as UserRow };
    },
    restorePost: async (_root, { id }, ctx) => {
      const payload = await restoreRow(ctx, 'Post', id);
      return { ...payload, post: payload.row as PostRow, author: author(payload.parents) };
    },
    restoreComment: async (_root, { id }, ctx) => {
      const payload = await restoreRow(ctx, 'Comment', id);
      const { parents } = payload;
      return {
        ...payload,
        comment: payload.row as CommentRow,
        post: post(parents),
        parent: parent(parents),
        author: author(parents),
      };
    },
    purgeUser: (_root, { id }, ctx) => purgeRow(ctx, 'User', id),
    purgePost: (_root, { id }, ctx) => purgeRow(ctx, 'Post', id),
    purgeComment: (_root, { id }, ctx) => purgeRow(ctx, 'Comment', id),
  },
};
