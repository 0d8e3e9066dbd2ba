import { type ApolloServerPlugin, HeaderMap } from '@apollo/server';
import { type GraphQLFormattedError, type GraphQLSchema, getVariableValues } from 'graphql';
import { walkOperation } from '../graphql/operation-walker.js';
import { type Requirement, ScopeRules, satisfies } from './scope.directives.js';
import type { Viewer } from './viewer.js';

/**
 * Checks `@authenticated` and `@requiresScopes` on the parsed operation before anything executes,
 * as envelop's generic-auth does: every field the operation would execute is judged by its schema
 * coordinate, with fragments, inline fragments on interfaces, aliases, variables, defaults and
 * `@skip`/`@include` applied, so no spelling of a query reaches a gated field. An argument's
 * requirement applies when it is given a value other than null or false (`includeDeleted: true`).
 *
 * Any violation rejects the whole operation: no data, one error per coordinate, code
 * UNAUTHENTICATED (HTTP 401) for an anonymous request, FORBIDDEN (HTTP 403) otherwise.
 *
 * @param viewerOf reads the viewer from the request's context
 */
export function scopeCheckPlugin<TContext extends object>(
  viewerOf: (context: TContext) => Viewer | null,
): ApolloServerPlugin<TContext> {
  const rulesBySchema = new WeakMap<GraphQLSchema, ScopeRules>();
  return {
    async requestDidStart() {
      return {
        async responseForOperation({ request, document, operation, schema, contextValue }) {
          // Apollo calls this without an operation when the document names none that matches
          // (several operations and no operationName): execution refuses it, nothing runs.
          if (!operation) return null;
          const coerced = getVariableValues(
            schema,
            operation.variableDefinitions ?? [],
            request.variables ?? {},
          );
          // Invalid variables are reported by execution with a precise message; nothing runs then.
          if (coerced.errors) return null;
          let rules = rulesBySchema.get(schema);
          if (!rules) {
            rules = new ScopeRules(schema);
            rulesBySchema.set(schema, rules);
          }
          const viewer = viewerOf(contextValue);
          const unmet = new Map<string, Requirement>();
          const complete = walkOperation(
            schema,
            document,
            operation,
            coerced.coerced,
            undefined,
            ({ parentType, field, args }) => {
              for (const requirement of (rules as ScopeRules).forSelection(
                parentType.name,
                field.name,
                args,
              )) {
                if (!viewer || !satisfies(requirement, viewer.scopes))
                  unmet.set(requirement.coordinate, requirement);
              }
            },
          );
          // An operation too large to walk whole is not judged on a part of it: it is refused.
          if (!complete) {
            return {
              http: { status: 400, headers: new HeaderMap() },
              body: {
                kind: 'single',
                singleResult: {
                  errors: [
                    { message: 'The operation is too large to run.', extensions: { code: 'BAD_USER_INPUT' } },
                  ],
                },
              },
            };
          }
          if (unmet.size === 0) return null;
          const errors = [...unmet.values()].map((requirement) => describe(requirement, viewer !== null));
          return {
            http: { status: viewer ? 403 : 401, headers: new HeaderMap() },
            body: { kind: 'single', singleResult: { errors } },
          };
        },
      };
    },
  };
}

function describe(requirement: Requirement, authenticated: boolean): GraphQLFormattedError {
  const scopes = requirement.anyOf.map((all) => all.join(' and ')).join(', or ');
  const needs = scopes ? `scope ${scopes}` : 'an authenticated viewer';
  return {
    message: authenticated
      ? `${requirement.coordinate} needs ${needs}.`
      : `${requirement.coordinate} needs an authenticated viewer${scopes ? ` with scope ${scopes}` : ''}.`,
    extensions: { code: authenticated ? 'FORBIDDEN' : 'UNAUTHENTICATED', coordinate: requirement.coordinate },
  };
}
