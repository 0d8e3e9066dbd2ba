import { BadUserInputError } from '../../errors.js';
import type { Resolvers } from '../../generated/graphql.js';
import { parsePage } from '../../graphql/connection.js';
import { parseGlobalId, toGlobalId } from '../../graphql/global-id.js';
import { rowOf } from '../../soft-delete/index.js';
import { listComments } from '../comment/comment.service.js';
import { listPosts } from '../post/post.service.js';
import { findUserByUsername, listUsers, registerUser } from './user.service.js';

/** Resolvers for `User`, the user lookups and `register`. */
export const userResolvers: Resolvers = {
  User: {
    id: (user) => toGlobalId('User', user.id),
    email: (user, _args, { viewer }) => (viewer?.userId === user.id ? user.email : null),
    posts: (user, args, ctx) => listPosts(ctx.reads.listScope(args), parsePage(args), user.id),
    comments: (user, args, ctx) =>
      listComments(ctx.reads.listScope(args), parsePage(args), { writtenBy: user.id }),
  },
  Query: {
    // A deleted user cannot authenticate, so the viewer is always live.
    viewer: (_root, _args, ctx) =>
      ctx.viewer ? ctx.reads.scope('live').loaders.user.load(ctx.viewer.userId) : null,
    user: (_root, args, ctx) => {
      const { id, username } = args;
      if ((id == null) === (username == null)) {
        throw new BadUserInputError('Pass exactly one of `id` and `username`.');
      }
      const scope = ctx.reads.listScope(args);
      return id != null
        ? scope.loaders.user.load(parseGlobalId(id, 'User'))
        : findUserByUsername(scope, username as string);
    },
    users: (_root, args, ctx) => listUsers(ctx.reads.listScope(args), parsePage(args)),
  },
  Mutation: {
    register: (_root, { input }, ctx) => ctx.write(async (em) => rowOf(em, await registerUser(em, input))),
  },
};
