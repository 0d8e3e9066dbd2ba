import { HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';

/**
 * The error vocabulary clients see. Each class fixes one `extensions.code`; messages are built by
 * the named static factories so the same situation always reads the same way.
 */
export abstract class CodedError extends GraphQLError {
  constructor(
    message: string,
    code: string,
    httpStatus?: number,
    options: { cause?: unknown; extensions?: Record<string, unknown> } = {},
  ) {
    super(message, {
      extensions: { code, ...(httpStatus ? { http: { status: httpStatus } } : {}), ...options.extensions },
      originalError: options.cause instanceof Error ? options.cause : undefined,
    });
  }
}

/** The request's input is wrong: a malformed id or cursor, a value out of range, an invalid field. */
export class BadUserInputError extends CodedError {
  /** @param options.httpStatus set it (400) when the error is thrown before execution, where Apollo would answer 500 */
  constructor(message: string, options?: { cause?: unknown; httpStatus?: number }) {
    super(message, 'BAD_USER_INPUT', options?.httpStatus, options);
  }

  static invalidId(expected?: string): BadUserInputError {
    return new BadUserInputError(expected ? `Not a valid ${expected} id.` : 'Not a valid id.');
  }

  static invalidCursor(): BadUserInputError {
    return new BadUserInputError('Invalid cursor: pass an `endCursor` or edge `cursor` from the same list.');
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

/** No valid credentials: a bad, expired or malformed token, or an operation that needs a viewer. */
export class UnauthenticatedError extends CodedError {
  constructor(message: string) {
    super(message, 'UNAUTHENTICATED', 401);
  }

  static invalidToken(): UnauthenticatedError {
    return new UnauthenticatedError('The bearer token is invalid or expired.');
  }

  static required(): UnauthenticatedError {
    return new UnauthenticatedError('This operation needs an authenticated viewer.');
  }
}

/** Authenticated, but not allowed to do this. */
export class ForbiddenError extends CodedError {
  constructor(message: string) {
    super(message, 'FORBIDDEN');
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
    super(message, 'CONFLICT', undefined, options);
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
    super(message, 'CONCURRENT_UPDATE', undefined, { ...options, extensions: { retryable: true } });
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
    super(message, 'TIMEOUT', undefined, { ...options, extensions: { retryable: true } });
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
    super(message, 'SERVER_OVERLOADED', undefined, {
      extensions: {
        retryable: true,
        retryAfterSeconds,
        // Apollo turns these into the response's status and headers (and leaves them out of the body).
        http: { status: 503, headers: new HeaderMap([['retry-after', String(retryAfterSeconds)]]) },
      },
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
    super(message, 'CLIENT_CLOSED_REQUEST', 499);
  }

  static disconnected(): ClientClosedRequestError {
    return new ClientClosedRequestError('The client closed the connection; the operation was stopped.');
  }
}
