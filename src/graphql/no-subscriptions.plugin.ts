import type { ApolloServerPlugin } from '@apollo/server';
import { BadRequestError } from '../errors.js';

/**
 * Refuses `subscription` operations before anything executes, with `BAD_REQUEST` (HTTP 400) and
 * a message that says so. The schema has no `Subscription` type, which graphql-js 16 does not
 * catch in validation: execution would fail with an internal error instead.
 */
export function noSubscriptionsPlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation }) {
          if (operation?.operation === 'subscription') throw BadRequestError.subscriptionsNotOffered();
        },
      };
    },
  };
}
