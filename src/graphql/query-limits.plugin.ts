import type { ApolloServerPlugin } from '@apollo/server';
import { OperationLimitError } from './operation-limit.error.js';
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
 * `BAD_USER_INPUT` errors with HTTP status 400 that name the limit; a row-limit error also names
 * the list asking for the most rows.
 */
export function queryLimitsPlugin(limits: QueryLimits): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation(requestContext) {
          const totals = measureOperation(requestContext);
          if (totals === 'unknown') return;
          if (totals === 'too large') throw OperationLimitError.operationTooLarge();
          if (totals.depth > limits.maxDepth)
            throw OperationLimitError.tooDeep(totals.depth, limits.maxDepth);
          if (totals.objects > limits.maxObjects && totals.largest) {
            throw OperationLimitError.tooManyRows(totals.objects, limits.maxObjects, totals.largest);
          }
          if (totals.aliases > limits.maxAliases) {
            throw OperationLimitError.tooManyAliases(totals.aliases, limits.maxAliases);
          }
        },
      };
    },
  };
}
