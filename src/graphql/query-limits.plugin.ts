import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { measureOperation } from './operation-size.js';

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
        async didResolveOperation(requestContext) {
          const totals = measureOperation(requestContext);
          if (totals === 'unknown') return;
          if (totals === 'too large') throw limitError('The operation is too large to run.');
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
