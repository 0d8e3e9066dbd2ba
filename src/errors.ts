import { CodedError, type CodedErrorHttp } from './soft-delete/index.js';

/**
 * The error vocabulary clients see. Each class fixes one `extensions.code`; messages are built by
 * the named static factories so the same situation always reads the same way. The base class is
 * the toolkit's, which its `SoftDeleteError` shares.
 */
export { CodedError };

/** The request's input is wrong: a malformed id or cursor, a value out of range, an invalid field. */
export class BadUserInputError extends CodedError {
  /**
   * @param options.httpStatus set it (400) when the error is thrown before execution, where Apollo would answer 500
   * @param options.extensions more for the client, e.g. the numbers of a limit
   */
  constructor(
    message: string,
    options?: { cause?: unknown; httpStatus?: number; extensions?: Record<string, unknown> },
  ) {
    super(message, 'BAD_USER_INPUT', {
      cause: options?.cause,
      http: options?.httpStatus ? { status: options.httpStatus } : undefined,
      extensions: options?.extensions,
    });
  }

  static invalidId(expected?: string): BadUserInputError {
    return new BadUserInputError(expected ? `Not a valid ${expected} id.` : 'Not a valid id.');
  }

  /** @param list the list (schema coordinate) the cursor was given to, e.g. `Query.users` */
  static invalidCursor(list: string): BadUserInputError {
    return new BadUserInputError(
      `Invalid cursor for ${list}: pass an \`endCursor\` or edge \`cursor\` from an earlier page of ${list}.`,
    );
  }

  /** A `DateTime` input that is not an ISO-8601 instant. */
  static invalidDateTime(): BadUserInputError {
    return new BadUserInputError('DateTime must be an ISO-8601 instant such as 2026-11-21T08:00:00.000Z.');
  }

  static outOfRange(argument: string, min: number, max: number): BadUserInputError {
    return new BadUserInputError(`\`${argument}\` must be between ${min} and ${max}.`);
  }

  static invalidField(field: string, rule: string): BadUserInputError {
    return new BadUserInputError(`\`${field}\` ${rule}.`);
  }

  /** The document has more fields and fragment spreads than `max` (checked before validation). */
  static tooManyFields(max: number): BadUserInputError {
    return new BadUserInputError(
      `The document selects more than ${max} fields and fragment spreads; the limit is ${max}.`,
      { httpStatus: 400 },
    );
  }

  /** One selection set selects `name` more than `max` times (checked before validation). */
  static repeatedField(name: string, max: number): BadUserInputError {
    return new BadUserInputError(
      `\`${name}\` is selected more than ${max} times in one selection set; the limit is ${max}.`,
      { httpStatus: 400 },
    );
  }

  /** A string of the request (a literal, or a variable at `where`) that PostgreSQL cannot store. */
  static invalidText(where: string): BadUserInputError {
    return new BadUserInputError(
      `${where} is not valid text: strings must not contain NUL characters or unpaired surrogates.`,
      { httpStatus: 400 },
    );
  }
}

/**
 * No valid credentials: a bad, expired or malformed token, or an operation that needs a viewer.
 * HTTP 401 with the `WWW-Authenticate` challenge of RFC 6750.
 */
export class UnauthenticatedError extends CodedError {
  /** @param challenge the `WWW-Authenticate` value */
  constructor(message: string, challenge: string, extensions?: Record<string, unknown>) {
    super(message, 'UNAUTHENTICATED', {
      http: { status: 401, headers: new Map([['www-authenticate', challenge]]) },
      extensions,
    });
  }

  /** The token is malformed, badly signed, expired, too long-lived, or its user is gone. */
  static invalidToken(): UnauthenticatedError {
    const message = 'The bearer token is invalid or expired.';
    return new UnauthenticatedError(
      message,
      bearerChallenge({ error: 'invalid_token', description: message }),
    );
  }

  /** An anonymous request to an operation that needs a viewer. */
  static required(): UnauthenticatedError {
    return new UnauthenticatedError('This operation needs an authenticated viewer.', bearerChallenge({}));
  }

  /** An anonymous request selects `coordinate`, which needs a viewer (with one of `scopes`). */
  static fieldNeedsViewer(coordinate: string, scopes: string): UnauthenticatedError {
    return new UnauthenticatedError(
      `${coordinate} needs an authenticated viewer${scopes ? ` with scope ${scopes}` : ''}.`,
      bearerChallenge({}),
      { coordinate },
    );
  }
}

/**
 * A `WWW-Authenticate: Bearer` challenge (RFC 6750 §3). A request without credentials gets no
 * error code; quotes and backslashes cannot occur in our descriptions, which RFC 6750 forbids.
 */
function bearerChallenge(options: { error?: string; description?: string }): string {
  const params = [
    options.error && `error="${options.error}"`,
    options.description && `error_description="${options.description}"`,
  ].filter(Boolean);
  return params.length > 0 ? `Bearer ${params.join(', ')}` : 'Bearer';
}

/** Authenticated, but not allowed to do this. */
export class ForbiddenError extends CodedError {
  constructor(message: string, options?: { extensions?: Record<string, unknown>; http?: CodedErrorHttp }) {
    super(message, 'FORBIDDEN', options);
  }

  static notOwner(what: string): ForbiddenError {
    return new ForbiddenError(`Only the author of this ${what} may change it.`);
  }

  static notOwnerOrModerator(what: string, scope: string): ForbiddenError {
    return new ForbiddenError(
      `Only the owner of this ${what}, or a viewer with scope ${scope}, may delete it.`,
    );
  }

  static missingScope(scope: string): ForbiddenError {
    return new ForbiddenError(`This operation needs scope ${scope}.`);
  }

  /**
   * The viewer selects `coordinate` without the scopes it needs. Raised before execution, so it
   * answers HTTP 403 with RFC 6750's `insufficient_scope` challenge.
   */
  static fieldNeedsScope(coordinate: string, scopes: string): ForbiddenError {
    return new ForbiddenError(`${coordinate} needs scope ${scopes}.`, {
      extensions: { coordinate },
      http: {
        status: 403,
        headers: new Map([['www-authenticate', bearerChallenge({ error: 'insufficient_scope' })]]),
      },
    });
  }
}

/** The addressed object does not exist (for this viewer). */
export class NotFoundError extends CodedError {
  constructor(message: string) {
    super(message, 'NOT_FOUND');
  }

  static entity(type: string): NotFoundError {
    return new NotFoundError(`${type} not found.`);
  }
}

/** The request conflicts with the current state, e.g. a username that is already taken. */
export class ConflictError extends CodedError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'CONFLICT', options);
  }

  static taken(field: string, options?: { cause?: unknown }): ConflictError {
    return new ConflictError(`That ${field} is already taken.`, options);
  }

  /** The database's invariant guards refused the write (e.g. a row under a deleted parent). */
  static invariant(detail: string, options?: { cause?: unknown }): ConflictError {
    return new ConflictError(`${detail.replace(/\.$/, '')}.`, options);
  }

  static takenSinceDeletion(field: string, options?: { cause?: unknown }): ConflictError {
    return new ConflictError(`Cannot restore: the ${field} has since been taken by another user.`, options);
  }
}

/**
 * Concurrent writes kept getting in each other's way (deadlocks, serialization failures) after the
 * server's own retries. Nothing was written; the client may send the same request again.
 */
export class ConcurrentUpdateError extends CodedError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'CONCURRENT_UPDATE', { ...options, extensions: { retryable: true } });
  }

  static gaveUp(attempts: number, options?: { cause?: unknown }): ConcurrentUpdateError {
    return new ConcurrentUpdateError(
      `The change collided with concurrent changes ${attempts} times and was not made; send it again.`,
      options,
    );
  }
}

/**
 * A database statement ran past its deadline (`DB_STATEMENT_TIMEOUT_MS`) and was stopped; any
 * write of the operation was rolled back. Retrying later, or asking for less, may succeed.
 */
export class TimeoutError extends CodedError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'TIMEOUT', { ...options, extensions: { retryable: true } });
  }

  static statement(options?: { cause?: unknown }): TimeoutError {
    return new TimeoutError(
      'A database statement took too long and was stopped; nothing was changed. Retry later or ask for less.',
      options,
    );
  }
}

/**
 * The server is at capacity for heavy operations and shed this one before running it (HTTP 503
 * with `Retry-After`). Nothing was executed; retry after the given number of seconds.
 */
export class ServerOverloadedError extends CodedError {
  constructor(message: string, retryAfterSeconds: number) {
    super(message, 'SERVER_OVERLOADED', {
      extensions: { retryable: true, retryAfterSeconds },
      // Apollo turns this into the response's status and headers (and leaves it out of the body).
      http: { status: 503, headers: new Map([['retry-after', String(retryAfterSeconds)]]) },
    });
  }

  static shed(retryAfterSeconds: number): ServerOverloadedError {
    return new ServerOverloadedError(
      `The server is busy with other large operations. Retry in ${retryAfterSeconds} s, or ask for smaller pages.`,
      retryAfterSeconds,
    );
  }
}

/**
 * The client disconnected before its response was complete, so the server stopped working on it.
 * Nobody reads this error; it marks the work that was abandoned (and keeps it out of the log).
 */
export class ClientClosedRequestError extends CodedError {
  constructor(message: string) {
    super(message, 'CLIENT_CLOSED_REQUEST', { http: { status: 499 } });
  }

  static disconnected(): ClientClosedRequestError {
    return new ClientClosedRequestError('The client closed the connection; the operation was stopped.');
  }
}

/**
 * The HTTP request itself cannot be served as sent: a body over the size limit or not valid
 * JSON, or an operation type the server does not offer (subscriptions). Apollo Server uses the
 * same code for the requests it refuses (a mutation over GET, a missing query).
 */
export class BadRequestError extends CodedError {
  constructor(message: string, httpStatus: number) {
    super(message, 'BAD_REQUEST', { http: { status: httpStatus } });
  }

  static bodyTooLarge(maxBytes: number): BadRequestError {
    return new BadRequestError(`The request body is larger than ${maxBytes} bytes.`, 413);
  }

  static invalidJson(): BadRequestError {
    return new BadRequestError('The request body is not valid JSON.', 400);
  }

  /** A `subscription` operation: this server answers queries and mutations only, over HTTP. */
  static subscriptionsNotOffered(): BadRequestError {
    return new BadRequestError(
      'Subscriptions are not offered by this server; send a query or a mutation.',
      400,
    );
  }
}

/**
 * Something went wrong on the server's side. Only the masked form reaches clients outside
 * development; the real error goes to the log.
 */
export class InternalServerError extends CodedError {
  constructor(message: string) {
    super(message, 'INTERNAL_SERVER_ERROR', { http: { status: 500 } });
  }

  /** What a client learns of an unexpected error. */
  static masked(): InternalServerError {
    return new InternalServerError('Internal server error.');
  }
}
