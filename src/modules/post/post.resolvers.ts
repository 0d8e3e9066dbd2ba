import { requireViewer } from '../../auth/viewer.js';
import type { Resolvers } from '../../generated/graphql.js';
import { parsePage } from '../../graphql/connection.js';
import { parseGlobalId, toGlobalId } from '../../graphql/global-id.js';
import { loadRequired } from '../../graphql/required.js';
import { parentRow, rowOf } from '../../soft-delete/index.js';
import { listComments } from '../comment/comment.service.js';
import type { UserRow } from '../rows.js';
import { searchPosts } from './post.search.js';
import { SEARCH_CURSOR } from './post.search-cursor.js';
import { countComments, createPost, listPosts, updatePost } from './post.service.js';

/** Resolvers for `Post`, the post queries and the post mutations. */
export const postResolvers: Resolvers = {
  Post: {
    id: (post) => toGlobalId('Post', post.id),
    author: (post, _args, ctx) =>
      parentRow<UserRow>(post, 'author') ??
      loadRequired(ctx.reads.scopeOf(post).loaders.user, post.author, 'User'),
    comments: (post, args, ctx, info) =>
      listComments(ctx.reads.listScope(args), parsePage(args, info), { topLevelOf: post.id }),
    commentCount: (post, args, ctx) => countComments(ctx.reads.listScope(args), post.id),
  },
  Query: {
    post: (_root, args, ctx) => ctx.reads.listScope(args).loaders.post.load(parseGlobalId(args.id, 'Post')),
    posts: (_root, args, ctx, info) => listPosts(ctx.reads.listScope(args), parsePage(args, info)),
    search: (_root, args, ctx, info) =>
      searchPosts(ctx.reads.listScope(args), args.query, parsePage(args, info, SEARCH_CURSOR), ctx.search),
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
