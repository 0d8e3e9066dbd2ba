import { GraphQLError } from 'graphql';

/** How a {@link CodedError} shapes the HTTP response when it ends a request before execution. */
export interface CodedErrorHttp {
  /** The response status; Apollo uses it when the error is raised before or instead of execution. */
  status?: number;
  /** Response headers, e.g. `retry-after` or `www-authenticate`. */
  headers?: Map<string, string>;
}

/** What a {@link CodedError} may carry besides its message and code. */
export interface CodedErrorOptions {
  /** The failure this error reports, kept for the log (never shown to the client). */
  cause?: unknown;
  /** See {@link CodedErrorHttp}. Apollo moves it out of the body into the response head. */
  http?: CodedErrorHttp;
  /** More `extensions` for the client, e.g. `retryable` or the row to act on instead. */
  extensions?: Record<string, unknown>;
}

/**
 * The one base of every error a client is meant to read: a `GraphQLError` whose
 * `extensions.code` is fixed by its subclass. It lives in the toolkit so that the toolkit's own
 * errors and the application's share it without the toolkit importing the application;
 * `formatError` passes these through to the client (no stack trace, code kept) and masks
 * everything else.
 *
 * Subclasses build their messages in named static factories, so the same situation always
 * reads the same way.
 *
 * @example
 * class NotFoundError extends CodedError {
 *   constructor(message: string) { super(message, 'NOT_FOUND'); }
 *   static entity(type: string) { return new NotFoundError(`${type} not found.`); }
 * }
 */
export abstract class CodedError extends GraphQLError {
  constructor(message: string, code: string, options: CodedErrorOptions = {}) {
    super(message, {
      extensions: { code, ...(options.http ? { http: options.http } : {}), ...options.extensions },
      originalError: options.cause instanceof Error ? options.cause : undefined,
    });
  }

  /** The code every instance of this error carries. */
  get code(): string {
    return String(this.extensions.code);
  }
}
