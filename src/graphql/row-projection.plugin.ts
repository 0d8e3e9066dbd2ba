import type { ApolloServerPlugin } from '@apollo/server';
import type { DocumentNode, OperationDefinitionNode } from 'graphql';
import type { RequestReads, RowProjection } from '../soft-delete/index.js';

/**
 * Narrows each operation's reads to the columns its fields can use (see `rowProjections`), once
 * the operation is known and before it executes: a feed that shows titles reads no post bodies.
 *
 * @param plan the planner, `rowProjections(schema, metadata, …)`
 * @param readsOf the request's reads, from its context
 */
export function rowProjectionPlugin<TContext extends object>(
  plan: (operation: OperationDefinitionNode, document: DocumentNode) => RowProjection,
  readsOf: (context: TContext) => Pick<RequestReads<unknown>, 'project'>,
): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, contextValue }) {
          if (operation) readsOf(contextValue).project(plan(operation, document));
        },
      };
    },
  };
}
