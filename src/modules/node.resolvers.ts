import { BadUserInputError } from '../errors.js';
import type { Resolvers } from '../generated/graphql.js';
import { fromGlobalId } from '../graphql/global-id.js';
import { Comment } from './comment/comment.entity.js';
import { Post } from './post/post.entity.js';
import { User } from './user/user.entity.js';

/** `Query.node` and the `Node` interface's type resolution for the microblog's types. */
export const nodeResolvers: Resolvers = {
  Node: {
    __resolveType: (node) => {
      if (node instanceof User) return 'User';
      if (node instanceof Post) return 'Post';
      if (node instanceof Comment) return 'Comment';
      return null;
    },
  },
  Query: {
    node: async (_root, args, ctx) => {
      const parsed = fromGlobalId(args.id);
      const { loaders } = ctx.reads.listScope(undefined, args);
      if (!parsed) throw BadUserInputError.invalidId();
      switch (parsed.type) {
        case 'User':
          return loaders.user.load(parsed.id);
        case 'Post':
          return loaders.post.load(parsed.id);
        case 'Comment':
          return loaders.comment.load(parsed.id);
        default:
          return null;
      }
    },
  },
};
