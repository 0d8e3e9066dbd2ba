import { BadUserInputError } from '../errors.js';
import type { Resolvers } from '../generated/graphql.js';
import { fromGlobalId } from '../graphql/global-id.js';
import { ROW_ENTITY, type Tagged } from '../soft-delete/index.js';

/** `Query.node` and the `Node` interface's type resolution for the microblog's types. */
export const nodeResolvers: Resolvers = {
  Node: {
    // Rows carry their entity, tagged when they were read.
    __resolveType: (node) => {
      const entity = (node as Tagged)[ROW_ENTITY];
      return entity === 'User' || entity === 'Post' || entity === 'Comment' ? entity : null;
    },
  },
  Query: {
    node: async (_root, args, ctx) => {
      const parsed = fromGlobalId(args.id);
      const { loaders } = ctx.reads.listScope(args);
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
