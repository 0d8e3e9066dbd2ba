import { requireViewer } from '../../auth/viewer.js';
import type { Resolvers } from '../../generated/graphql.js';
import { parsePage } from '../../graphql/connection.js';
import { parseGlobalId, toGlobalId } from '../../graphql/global-id.js';
import { required } from '../../graphql/required.js';
import { listComments } from '../comment/comment.service.js';
import { countComments, createPost, listPosts, updatePost } from './post.service.js';

/** Resolvers for `Post`, the post queries and the post mutations. */
export const postResolvers: Resolvers = {
  Post: {
    id: (post) => toGlobalId('Post', post.id),
    author: async (post, _args, ctx) => required(await ctx.read().loaders.user.load(post.author.id), 'User'),
    comments: (post, args, ctx) => listComments(ctx.read().em, parsePage(args), { topLevelOf: post.id }),
    commentCount: (post, _args, ctx) => countComments(ctx.read().em, post.id),
  },
  Query: {
    post: (_root, { id }, ctx) => ctx.read().loaders.post.load(parseGlobalId(id, 'Post')),
    posts: (_root, args, ctx) => listPosts(ctx.read().em, parsePage(args)),
  },
  Mutation: {
    createPost: (_root, { input }, ctx) =>
      ctx.write((em) => createPost(em, requireViewer(ctx.viewer), input)),
    updatePost: (_root, { id, input }, ctx) =>
      ctx.write((em) => updatePost(em, requireViewer(ctx.viewer), parseGlobalId(id, 'Post'), input)),
  },
};
