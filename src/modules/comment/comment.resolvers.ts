import { requireViewer } from '../../auth/viewer.js';
import type { Resolvers } from '../../generated/graphql.js';
import { parsePage } from '../../graphql/connection.js';
import { parseGlobalId, toGlobalId } from '../../graphql/global-id.js';
import { required } from '../../graphql/required.js';
import { parentRow, rowOf } from '../../soft-delete/index.js';
import type { CommentRow, PostRow, UserRow } from '../rows.js';
import { createComment, listComments } from './comment.service.js';

/** Resolvers for `Comment`, `Query.comment` and `createComment`. */
export const commentResolvers: Resolvers = {
  Comment: {
    id: (comment) => toGlobalId('Comment', comment.id),
    // To-one relations return the stored parent to whoever sees the comment: read in the mode the
    // comment was read in (a live comment's parents are live; a tombstone's are shown as they are).
    // A mutation's payload carries the parents it committed with (see `parentRow`).
    post: async (comment, _args, ctx) =>
      parentRow<PostRow>(comment, 'post') ??
      required(await ctx.reads.scopeOf(comment).loaders.post.load(comment.post), 'Post'),
    author: async (comment, _args, ctx) =>
      parentRow<UserRow>(comment, 'author') ??
      required(await ctx.reads.scopeOf(comment).loaders.user.load(comment.author), 'User'),
    parent: (comment, _args, ctx) =>
      parentRow<CommentRow>(comment, 'parent') ??
      (comment.parent ? ctx.reads.scopeOf(comment).loaders.comment.load(comment.parent) : null),
    replies: (comment, args, ctx) =>
      listComments(ctx.reads.listScope(args), parsePage(args), { repliesTo: comment.id }),
  },
  Query: {
    comment: (_root, args, ctx) =>
      ctx.reads.listScope(args).loaders.comment.load(parseGlobalId(args.id, 'Comment')),
  },
  Mutation: {
    createComment: (_root, { input }, ctx) =>
      ctx.write(async (em) =>
        rowOf(
          em,
          await createComment(em, requireViewer(ctx.viewer), {
            postId: parseGlobalId(input.postId, 'Post'),
            parentId: input.parentId == null ? null : parseGlobalId(input.parentId, 'Comment'),
            body: input.body,
          }),
        ),
      ),
  },
};
