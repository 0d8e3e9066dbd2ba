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
    author: async (post, _args, { loaders }) => required(await loaders.user.load(post.author.id), 'User'),
    comments: (post, args, { em }) => listComments(em, parsePage(args), { topLevelOf: post.id }),
    commentCount: (post, _args, { em }) => countComments(em, post.id),
  },
  Query: {
    post: (_root, { id }, { loaders }) => loaders.post.load(parseGlobalId(id, 'Post')),
    posts: (_root, args, { em }) => listPosts(em, parsePage(args)),
  },
  Mutation: {
    createPost: (_root, { input }, { em, viewer }) => createPost(em, requireViewer(viewer), input),
    updatePost: (_root, { id, input }, { em, viewer }) =>
      updatePost(em, requireViewer(viewer), parseGlobalId(id, 'Post'), input),
  },
};
