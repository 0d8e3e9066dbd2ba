import { readFileSync } from 'node:fs';
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { GraphQLSchema } from 'graphql';
import { scopeDirectivesTypeDefs } from './auth/scope.directives.js';
import { Scope } from './auth/scopes.js';
import type { GraphQLContext } from './context.js';
import type { Resolvers } from './generated/graphql.js';
import { connectionResolvers } from './graphql/connection.js';
import { DateTimeScalar } from './graphql/date-time.scalar.js';
import { auditResolvers } from './modules/audit/audit.resolvers.js';
import { commentResolvers } from './modules/comment/comment.resolvers.js';
import { followResolvers } from './modules/follow/follow.resolvers.js';
import { moderationResolvers } from './modules/moderation/moderation.resolvers.js';
import { nodeResolvers } from './modules/node.resolvers.js';
import { postResolvers } from './modules/post/post.resolvers.js';
import { userResolvers } from './modules/user/user.resolvers.js';
import { softDeleteDirective } from './soft-delete/index.js';

/** The SDL files, in the order they are merged; `relay.graphql` declares the root types. */
export const SDL_FILES = ['relay', 'user', 'post', 'comment', 'follow', 'moderation', 'audit'];

/** Reads the SDL from `schema/` (next to `src/` and `dist/`). */
export function loadTypeDefs(): string[] {
  return SDL_FILES.map((name) => readFileSync(new URL(`../schema/${name}.graphql`, import.meta.url), 'utf8'));
}

/** Every type shaped by `buildConnection`. */
const CONNECTION_TYPES = [
  'UserConnection',
  'PostConnection',
  'CommentConnection',
  'TombstoneConnection',
  'AuditEventConnection',
] as const;

const resolvers: Resolvers[] = [
  { DateTime: DateTimeScalar },
  Object.fromEntries(CONNECTION_TYPES.map((type) => [type, connectionResolvers])),
  nodeResolvers,
  userResolvers,
  postResolvers,
  commentResolvers,
  followResolvers,
  moderationResolvers,
  auditResolvers,
];

/**
 * Builds the executable schema: the SDL of `schema/`, the scope directives, and the soft-delete
 * directive, which adds the tombstone fields to every `@softDelete` type, `includeDeleted` (gated
 * by audit:read) to every list, count and lookup of them, and guards every field that can return
 * one. Refuses to build when it is incomplete: every root field needs a resolver
 * and every resolver a field, so a typo cannot silently return null.
 */
export function buildSchema(): GraphQLSchema {
  const softDelete = softDeleteDirective('softDelete', {
    reads: (context) => (context as GraphQLContext).reads,
    tombstoneFields: {
      timestampType: 'DateTime',
      actorType: 'User',
      resolveActor: (actorId, context) =>
        (context as GraphQLContext).reads.scope('all').loaders.user.load(Number(actorId)),
      interfaces: ['Node'],
    },
    // includeDeleted and the tombstone details are for auditors.
    gate: `@requiresScopes(scopes: [["${Scope.auditRead}"]])`,
    exempt: {
      'Query.viewer': 'always live: a deleted user cannot authenticate',
      'Query.trash': 'lists tombstones only',
    },
  });
  const augmented = softDelete.augment(loadTypeDefs());
  const schema = makeExecutableSchema({
    typeDefs: [scopeDirectivesTypeDefs, softDelete.typeDefs, ...augmented.typeDefs],
    resolvers: [...resolvers, augmented.resolvers] as Parameters<typeof makeExecutableSchema>[0]['resolvers'],
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
