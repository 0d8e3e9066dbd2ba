import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, getNamedType, getVariableValues } from 'graphql';
import { DEFAULT_PAGE_SIZE } from './connection.js';
import { walkOperation } from './operation-walker.js';

/** Bounds on what one operation may ask for. */
export interface QueryLimits {
  /**
   * Deepest field path, leaves included: `{ posts { nodes { id } } }` is 3 deep.
   * @default 12
   */
  maxDepth: number;
  /**
   * Most rows the operation may ask lists to return: each connection field counts its `first`
   * times the rows of the connections above it, so `posts(first: 50) { nodes { comments(first: 10)
   * { ... } } }` asks for 50 + 50 × 10 = 550.
   * @default 5000
   */
  maxObjects: number;
  /**
   * Most aliased fields, counted as executed (an aliased field in a fragment spread twice counts twice).
   * @default 50
   */
  maxAliases: number;
}

interface Totals {
  depth: number;
  objects: number;
  aliases: number;
}

/**
 * Rejects operations deeper, larger or more aliased than `limits` before anything executes.
 * Judged on the operation as it would run, with variables, defaults, fragments and
 * `@skip`/`@include` applied, so no spelling of a query gets around it. Rejections are
 * `BAD_USER_INPUT` errors with HTTP status 400 that name the limit.
 */
export function queryLimitsPlugin(limits: QueryLimits): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, operation, schema }) {
          if (!operation) return;
          const coerced = getVariableValues(
            schema,
            operation.variableDefinitions ?? [],
            request.variables ?? {},
          );
          // Invalid variables are reported by execution with a precise message.
          if (coerced.errors) return;
          const totals: Totals = { depth: 0, objects: 0, aliases: 0 };
          // Introspection (off in production) keeps the alias and size limits but not the depth
          // limit: the standard introspection query is 15 fields deep.
          const initial = { rows: 1, introspection: false };
          const complete = walkOperation(
            schema,
            document,
            operation,
            coerced.coerced,
            initial,
            (visit, parent) => {
              const introspection = parent.introspection || visit.field.name.startsWith('__');
              if (!introspection) totals.depth = Math.max(totals.depth, visit.depth);
              if (visit.node.alias) totals.aliases += 1;
              const isConnection = getNamedType(visit.field.type).name.endsWith('Connection');
              // An explicit `first: null` reads as the default page size, as the resolvers read it.
              const first = visit.args.first ?? DEFAULT_PAGE_SIZE;
              if (!isConnection || typeof first !== 'number') return { rows: parent.rows, introspection };
              totals.objects += parent.rows * first;
              return { rows: parent.rows * first, introspection };
            },
          );
          if (!complete) throw limitError('The operation is too large to run.');
          if (totals.depth > limits.maxDepth) {
            throw limitError(
              `The operation is ${totals.depth} fields deep; the limit is ${limits.maxDepth}.`,
            );
          }
          if (totals.objects > limits.maxObjects) {
            throw limitError(
              `The operation asks for up to ${totals.objects} rows; the limit is ${limits.maxObjects}. Ask for smaller pages.`,
            );
          }
          if (totals.aliases > limits.maxAliases) {
            throw limitError(
              `The operation uses ${totals.aliases} aliases; the limit is ${limits.maxAliases}.`,
            );
          }
        },
      };
    },
  };
}

function limitError(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });
}
