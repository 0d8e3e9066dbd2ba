import { requireViewer } from '../../auth/viewer.js';
import type { Resolvers } from '../../generated/graphql.js';
import { parsePage } from '../../graphql/connection.js';
import { parseGlobalId, toGlobalId } from '../../graphql/global-id.js';
import { required } from '../../graphql/required.js';
import { createComment, listComments } from './comment.service.js';

/** Resolvers for `Comment`, `Query.comment` and `createComment`. */
export const commentResolvers: Resolvers = {
  Comment: {
    id: (comment) => toGlobalId('Comment', comment.id),
    post: async (comment, _args, ctx) =>
      required(await ctx.read().loaders.post.load(comment.post.id), 'Post'),
    author: async (comment, _args, ctx) =>
      required(await ctx.read().loaders.user.load(comment.author.id), 'User'),
    parent: (comment, _args, ctx) =>
      comment.parent ? ctx.read().loaders.comment.load(comment.parent.id) : null,
    replies: (comment, args, ctx) => listComments(ctx.read().em, parsePage(args), { repliesTo: comment.id }),
  },
  Query: {
    comment: (_root, { id }, ctx) => ctx.read().loaders.comment.load(parseGlobalId(id, 'Comment')),
  },
  Mutation: {
    createComment: (_root, { input }, ctx) =>
      ctx.write((em) =>
        createComment(em, requireViewer(ctx.viewer), {
          postId: parseGlobalId(input.postId, 'Post'),
          parentId: input.parentId == null ? null : parseGlobalId(input.parentId, 'Comment'),
          body: input.body,
        }),
      ),
  },
};
