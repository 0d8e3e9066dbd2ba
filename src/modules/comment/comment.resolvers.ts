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
    post: async (comment, _args, { loaders }) => required(await loaders.post.load(comment.post.id), 'Post'),
    author: async (comment, _args, { loaders }) =>
      required(await loaders.user.load(comment.author.id), 'User'),
    parent: (comment, _args, { loaders }) =>
      comment.parent ? loaders.comment.load(comment.parent.id) : null,
    replies: (comment, args, { em }) => listComments(em, parsePage(args), { repliesTo: comment.id }),
  },
  Query: {
    comment: (_root, { id }, { loaders }) => loaders.comment.load(parseGlobalId(id, 'Comment')),
  },
  Mutation: {
    createComment: (_root, { input }, { em, viewer }) =>
      createComment(em, requireViewer(viewer), {
        postId: parseGlobalId(input.postId, 'Post'),
        parentId: input.parentId == null ? null : parseGlobalId(input.parentId, 'Comment'),
        body: input.body,
      }),
  },
};
