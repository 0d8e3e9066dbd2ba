import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { translateDatabaseError } from '../db/database-errors.js';
import { CodedError, InternalServerError } from '../errors.js';

/** What {@link createFormatError} needs to know about the running server. */
export interface FormatErrorOptions {
  nodeEnv: 'development' | 'production' | 'test';
  /** Receives one line per internal error, with its stack. */
  log: (line: string) => void;
}

/** graphql-js appends its suggestions last: `… Did you mean "username"?` */
const SUGGESTION = / ?Did you mean(.+?)\?$/;

/**
 * Apollo Server's `formatError`: what a client may learn from an error.
 *
 * - Client errors (every code but `INTERNAL_SERVER_ERROR`) never carry a stack trace, in any
 *   environment: traces differ with the code path, so two "not found" answers reached in
 *   different ways would tell "exists but not yours" from "never existed".
 * - Internal errors are logged with their stack; outside development the client only learns
 *   that one happened.
 * - In production, "Did you mean …?" suggestions are cut from every message, so a client cannot
 *   discover field, argument, input field or enum value names (gated ones included) by typos.
 *   Apollo's `hideSchemaDetailsFromClientErrors` only covers validation errors; variable
 *   coercion errors, raised during execution, carry suggestions too.
 * - Database failures that mean something to the client become coded errors (`TIMEOUT`, …).
 * - Our coded errors keep their code when Apollo wraps them (a validation rule's report
 *   becomes `GRAPHQL_VALIDATION_FAILED` otherwise).
 *
 * @example
 * new ApolloServer({ schema, formatError: createFormatError({ nodeEnv: 'production', log }) });
 */
export function createFormatError({ nodeEnv, log }: FormatErrorOptions) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const unwrapped = unwrapResolverError(error);
    // Database failures with a meaning for the client (a statement timeout, a client that left).
    const original = translateDatabaseError(unwrapped) ?? unwrapped;
    if (original !== unwrapped) {
      const { http: _http, ...extensions } = (original as GraphQLError).extensions;
      return { message: (original as GraphQLError).message, path: formatted.path, extensions };
    }
    const wrapped = original instanceof GraphQLError ? original.originalError : undefined;
    const code =
      wrapped instanceof CodedError && !(original instanceof CodedError)
        ? wrapped.extensions.code
        : formatted.extensions?.code;
    // Errors we raised on purpose (and GraphQL's own validation errors) are for the client. Apollo
    // wraps what a plugin or the context function throws in a GraphQLError with the thrown error
    // as its cause: such a wrapper is as internal as what it wraps.
    const internal =
      code === 'INTERNAL_SERVER_ERROR' &&
      (!(original instanceof GraphQLError) || (wrapped !== undefined && !(wrapped instanceof GraphQLError)));
    if (!internal) {
      const { stacktrace, ...extensions } = formatted.extensions ?? {};
      return {
        ...formatted,
        message: nodeEnv === 'production' ? formatted.message.replace(SUGGESTION, '') : formatted.message,
        extensions:
          code === 'INTERNAL_SERVER_ERROR' ? { ...extensions, code, stacktrace } : { ...extensions, code },
      };
    }
    log(
      `Internal error at ${JSON.stringify(formatted.path ?? [])}: ${(original as Error)?.stack ?? original}`,
    );
    if (nodeEnv === 'development') return formatted;
    const masked = InternalServerError.masked();
    return { message: masked.message, path: formatted.path, extensions: { code: masked.code } };
  };
}
