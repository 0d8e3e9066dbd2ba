import { requireViewer } from '../../auth/viewer.js';
import type { Resolvers } from '../../generated/graphql.js';
import { parsePage } from '../../graphql/connection.js';
import { parseGlobalId } from '../../graphql/global-id.js';
import { follow, listFollows, unfollow } from './follow.service.js';

/** Resolvers for `User.followers/following` and `follow`/`unfollow`. */
export const followResolvers: Resolvers = {
  User: {
    followers: (user, args, ctx) =>
      listFollows(ctx.reads.listScope(args), user.id, 'followers', parsePage(args)),
    following: (user, args, ctx) =>
      listFollows(ctx.reads.listScope(args), user.id, 'following', parsePage(args)),
  },
  Mutation: {
    follow: (_root, { userId }, ctx) =>
      ctx.write((em) => follow(em, requireViewer(ctx.viewer), parseGlobalId(userId, 'User'))),
    unfollow: (_root, { userId }, ctx) =>
      ctx.write((em) => unfollow(em, requireViewer(ctx.viewer), parseGlobalId(userId, 'User'))),
  },
};
