import { type ApolloServerPlugin, type GraphQLResponse, HeaderMap } from '@apollo/server';
import { type GraphQLSchema, getVariableValues, type OperationDefinitionNode } from 'graphql';
import { type CodedError, ForbiddenError, UnauthenticatedError } from '../errors.js';
import { OperationLimitError } from '../graphql/operation-limit.error.js';
import { walkOperation } from '../graphql/operation-walker.js';
import { type CodedErrorHttp, operationCoordinates } from '../soft-delete/index.js';
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
 * UNAUTHENTICATED (HTTP 401, with a `WWW-Authenticate: Bearer` challenge) for an anonymous
 * request, FORBIDDEN (HTTP 403, `Bearer error="insufficient_scope"`) otherwise.
 *
 * An operation none of whose fields (on any type that may stand where it is selected) is gated,
 * and that writes none of their gated arguments, is let through without the walk (an argument
 * left out takes its default, which gates nothing unless it is other than null or false): whether
 * one is, is decided once per parsed operation. A plain `users(first: 20)` costs no walk, since
 * only `includeDeleted` is gated there. The query-limits plugin still refuses one too large to walk.
 *
 * @param viewerOf reads the viewer from the request's context
 */
export function scopeCheckPlugin<TContext extends object>(
  viewerOf: (context: TContext) => Viewer | null,
): ApolloServerPlugin<TContext> {
  const rulesBySchema = new WeakMap<GraphQLSchema, ScopeRules>();
  const mayBeGated = new WeakMap<OperationDefinitionNode, boolean>();
  const rulesFor = (schema: GraphQLSchema): ScopeRules => {
    let rules = rulesBySchema.get(schema);
    if (!rules) {
      rules = new ScopeRules(schema);
      rulesBySchema.set(schema, rules);
    }
    return rules;
  };
  return {
    async requestDidStart() {
      return {
        async responseForOperation({ request, document, operation, schema, contextValue }) {
          // Apollo calls this without an operation when the document names none that matches
          // (several operations and no operationName): execution refuses it, nothing runs.
          if (!operation) return null;
          const rules = rulesFor(schema);
          let gated = mayBeGated.get(operation);
          if (gated === undefined) {
            gated = rules.gatesAny(operationCoordinates(schema, operation, document));
            mayBeGated.set(operation, gated);
          }
          if (!gated) return null;
          const coerced = getVariableValues(
            schema,
            operation.variableDefinitions ?? [],
            request.variables ?? {},
          );
          // Invalid variables are reported by execution with a precise message; nothing runs then.
          if (coerced.errors) return null;
          const viewer = viewerOf(contextValue);
          const unmet = new Map<string, Requirement>();
          const complete = walkOperation(
            schema,
            document,
            operation,
            coerced.coerced,
            undefined,
            ({ parentType, field, args }) => {
              for (const requirement of rules.forSelection(parentType.name, field.name, args)) {
                if (!viewer || !satisfies(requirement, viewer.scopes))
                  unmet.set(requirement.coordinate, requirement);
              }
            },
          );
          // An operation too large to walk whole is not judged on a part of it: it is refused.
          if (!complete) return errorResponse([OperationLimitError.operationTooLarge()]);
          if (unmet.size === 0) return null;
          return errorResponse(
            [...unmet.values()].map((requirement) => refusal(requirement, viewer !== null)),
          );
        },
      };
    },
  };
}

/** The error for a requirement the viewer does not meet. */
function refusal(requirement: Requirement, authenticated: boolean): UnauthenticatedError | ForbiddenError {
  const scopes = requirement.anyOf.map((all) => all.join(' and ')).join(', or ');
  if (!authenticated) return UnauthenticatedError.fieldNeedsViewer(requirement.coordinate, scopes);
  return ForbiddenError.fieldNeedsScope(requirement.coordinate, scopes);
}

/**
 * The response for an operation refused before execution: the errors' own HTTP status and
 * headers (401 with its challenge, 403, 400), the rest of each error as the client sees it.
 */
function errorResponse(errors: CodedError[]): GraphQLResponse {
  const http = { status: 400, headers: new HeaderMap() };
  const formatted = errors.map((error) => {
    const { http: errorHttp, ...extensions } = error.extensions as { http?: CodedErrorHttp };
    if (errorHttp?.status) http.status = errorHttp.status;
    for (const [name, value] of errorHttp?.headers ?? []) http.headers.set(name, value);
    return { message: error.message, extensions };
  });
  return { http, body: { kind: 'single', singleResult: { errors: formatted } } };
}
