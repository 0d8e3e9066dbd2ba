import type { GraphQLError } from 'graphql';
import { ClientClosedRequestError, TimeoutError } from '../errors.js';

/** PostgreSQL's SQLSTATE for a statement cancelled by `statement_timeout` or `pg_cancel_backend`. */
const QUERY_CANCELED = '57014';

/**
 * Translates a database failure that has a meaning for the client into the error vocabulary, at
 * the boundary where errors leave the server (`formatError`):
 * - a statement stopped by `statement_timeout` becomes TIMEOUT;
 * - a query abandoned because the client disconnected becomes CLIENT_CLOSED_REQUEST. The abort
 *   reason is a {@link ClientClosedRequestError}; MikroORM wraps it in a `DriverException` that
 *   copies its own properties, `extensions` among them.
 *
 * @returns the coded error, or `undefined` when the failure is unexpected (an internal error)
 */
export function translateDatabaseError(error: unknown): GraphQLError | undefined {
  if (!(error instanceof Error)) return undefined;
  const { code, extensions } = error as { code?: unknown; extensions?: { code?: unknown } };
  if (code === QUERY_CANCELED && error.message.includes('statement timeout')) {
    return TimeoutError.statement({ cause: error });
  }
  if (extensions?.code === 'CLIENT_CLOSED_REQUEST') return ClientClosedRequestError.disconnected();
  return undefined;
}
