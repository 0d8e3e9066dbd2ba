import { requireViewer } from '../../auth/viewer.js';
import type { Resolvers } from '../../generated/graphql.js';
import { parsePage } from '../../graphql/connection.js';
import { parseGlobalId, toGlobalId } from '../../graphql/global-id.js';
import { required } from '../../graphql/required.js';
import { parentRow, rowOf } from '../../soft-delete/index.js';
import { listComments } from '../comment/comment.service.js';
import type { UserRow } from '../rows.js';
import { searchPosts } from './post.search.js';
import { countComments, createPost, listPosts, updatePost } from './post.service.js';

/** Resolvers for `Post`, the post queries and the post mutations. */
export const postResolvers: Resolvers = {
  Post: {
    id: (post) => toGlobalId('Post', post.id),
    author: async (post, _args, ctx) =>
      parentRow<UserRow>(post, 'author') ??
      required(await ctx.reads.scopeOf(post).loaders.user.load(post.author), 'User'),
    comments: (post, args, ctx) =>
      listComments(ctx.reads.listScope(args), parsePage(args), { topLevelOf: post.id }),
    commentCount: (post, args, ctx) => countComments(ctx.reads.listScope(args), post.id),
  },
  Query: {
    post: (_root, args, ctx) => ctx.reads.listScope(args).loaders.post.load(parseGlobalId(args.id, 'Post')),
    posts: (_root, args, ctx) => listPosts(ctx.reads.listScope(args), parsePage(args)),
    search: (_root, args, ctx) =>
      searchPosts(
        ctx.reads.listScope(args),
        args.query,
        parsePage({ first: args.first }),
        args.after,
        ctx.search,
      ),
  },
  Mutation: {
    createPost: (_root, { input }, ctx) =>
      ctx.write(async (em) => rowOf(em, await createPost(em, requireViewer(ctx.viewer), input))),
    updatePost: (_root, { id, input }, ctx) =>
      ctx.write(async (em) =>
        rowOf(em, await updatePost(em, requireViewer(ctx.viewer), parseGlobalId(id, 'Post'), input)),
      ),
  },
};
