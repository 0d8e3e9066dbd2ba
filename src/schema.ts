import { readFileSync } from 'node:fs';
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { GraphQLSchema } from 'graphql';
import type { Resolvers } from './generated/graphql.js';
import { DateTimeScalar } from './graphql/date-time.scalar.js';
import { commentResolvers } from './modules/comment/comment.resolvers.js';
import { followResolvers } from './modules/follow/follow.resolvers.js';
import { moderationResolvers } from './modules/moderation/moderation.resolvers.js';
import { nodeResolvers } from './modules/node.resolvers.js';
import { postResolvers } from './modules/post/post.resolvers.js';
import { userResolvers } from './modules/user/user.resolvers.js';
import { softDeleteDirective } from './soft-delete/index.js';

/** The SDL files, in the order they are merged; `relay.graphql` declares the root types. */
export const SDL_FILES = ['relay', 'user', 'post', 'comment', 'follow', 'moderation'];

/** Reads the SDL from `schema/` (next to `src/` and `dist/`). */
export function loadTypeDefs(): string[] {
  return SDL_FILES.map((name) => readFileSync(new URL(`../schema/${name}.graphql`, import.meta.url), 'utf8'));
}

const resolvers: Resolvers[] = [
  { DateTime: DateTimeScalar },
  nodeResolvers,
  userResolvers,
  postResolvers,
  commentResolvers,
  followResolvers,
  moderationResolvers,
];

/**
 * Builds the executable schema and refuses to start when it is incomplete: every root field
 * needs a resolver and every resolver a field, so a typo cannot silently return null.
 */
export function buildSchema(): GraphQLSchema {
  const softDelete = softDeleteDirective('softDelete');
  const schema = makeExecutableSchema({
    typeDefs: [softDelete.typeDefs, ...loadTypeDefs()],
    resolvers: resolvers as Parameters<typeof makeExecutableSchema>[0]['resolvers'],
    resolverValidationOptions: {
      requireResolversToMatchSchema: 'error',
      requireResolversForResolveType: 'error',
    },
  });
  assertRootFieldsResolved(schema);
  return softDelete.transformer(schema);
}

function assertRootFieldsResolved(schema: GraphQLSchema): void {
  const missing: string[] = [];
  for (const root of [schema.getQueryType(), schema.getMutationType()]) {
    for (const field of Object.values(root?.getFields() ?? {})) {
      if (!field.resolve) missing.push(`${root?.name}.${field.name}`);
    }
  }
  if (missing.length > 0) throw new Error(`Root fields without a resolver: ${missing.join(', ')}`);
}
