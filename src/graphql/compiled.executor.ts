import type {
  GatewayExecutor,
  GatewayInterface,
  GatewaySchemaLoadOrUpdateCallback,
} from '@apollo/server-gateway-interface';
import { type ExecutionResult, execute, GraphQLError, type GraphQLSchema, printSchema } from 'graphql';
import { type CompiledQuery, compileQuery, isCompiledQuery } from 'graphql-jit';

/** When a document is compiled, and how many compiled documents are kept. */
export interface CompiledExecutionOptions {
  /**
   * A document is compiled the n-th time it is executed (by hash and operation name); before
   * that, and always when 0, graphql-js interprets it. Compiling costs several executions' worth
   * of CPU, so a document seen once (an attacker's unique document, an ad-hoc query) never pays it.
   */
  compileAfter: number;
  /** Most compiled documents kept; the least recently used is dropped first. */
  cacheSize: number;
}

/**
 * Executes operations with graphql-jit once their document is hot, and with graphql-js otherwise.
 *
 * Apollo Server 5 has no executor option; its gateway interface is the documented seam for one,
 * and everything before execution stays Apollo's: parsing, validation (with our rules), the
 * plugins (scope checks, query limits, admission) and error formatting. The compiled code calls
 * the same resolvers (so the soft-delete guards) with the same context. Its one difference that
 * matters here: graphql-js's default resolver calls a function-valued property, graphql-jit's
 * reads it; lazy fields (a connection's `totalCount`) therefore have resolvers of their own.
 *
 * Measured on the benchmark's nested read (W2): server CPU per request 11–12 ms interpreted,
 * 7–8 ms compiled (README, Performance).
 */
export function compiledExecutor(schema: GraphQLSchema, options: CompiledExecutionOptions): GatewayInterface {
  /** Executions seen per document key, for documents not compiled yet; bounded like the cache. */
  const seen = new Map<string, number>();
  const compiled = new Map<string, CompiledQuery>();
  const remember = <V>(map: Map<string, V>, key: string, value: V) => {
    map.delete(key);
    map.set(key, value);
    if (map.size > options.cacheSize) map.delete(map.keys().next().value as string);
  };

  const executor: GatewayExecutor = async (request) => {
    const key = `${request.queryHash}:${request.operationName ?? ''}`;
    let query = compiled.get(key);
    if (query) {
      remember(compiled, key, query);
    } else if (options.compileAfter > 0) {
      const count = (seen.get(key) ?? 0) + 1;
      if (count >= options.compileAfter) {
        seen.delete(key);
        const result = compileQuery(schema, request.document, request.operationName ?? undefined, {
          customJSONSerializer: false,
        });
        // A document it cannot compile (none known) is interpreted, every time.
        if (isCompiledQuery(result)) {
          query = result;
          remember(compiled, key, query);
        }
      } else {
        remember(seen, key, count);
      }
    }
    const variables = request.request.variables ?? {};
    if (query) {
      const result = await query.query(undefined, request.context, variables);
      // Without data, the request failed before execution (its variables): graphql-js words those
      // errors as the rest of the pipeline expects (suggestions included, which production strips).
      if (!result.errors?.length || result.data !== undefined) return asGraphQLErrors(result) as never;
    }
    return (await execute({
      schema,
      document: request.document,
      contextValue: request.context,
      variableValues: variables,
      operationName: request.operationName,
    })) as never;
  };

  return {
    async load() {
      return { executor };
    },
    onSchemaLoadOrUpdate(callback: GatewaySchemaLoadOrUpdateCallback) {
      callback({ apiSchema: schema, coreSupergraphSdl: printSchema(schema) });
      return () => {};
    },
    async stop() {},
  };
}

/**
 * graphql-jit reports errors with a look-alike class whose `extensions` may be undefined, which
 * Apollo's error pipeline does not expect (it would answer every one as an internal error).
 * Rebuilds them as graphql-js errors, keeping message, path, locations, extensions and cause.
 */
function asGraphQLErrors(result: ExecutionResult): ExecutionResult {
  if (!result.errors?.length) return result;
  const errors = result.errors.map((error) => {
    const rebuilt = new GraphQLError(error.message, {
      path: error.path,
      originalError: error.originalError ?? undefined,
      extensions: error.extensions,
    });
    if (error.locations) (rebuilt as { locations?: unknown }).locations = error.locations;
    return rebuilt;
  });
  return { ...result, errors };
}
