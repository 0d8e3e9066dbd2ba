import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ApolloServer, HeaderMap, type HTTPGraphQLRequest } from '@apollo/server';
import Negotiator from 'negotiator';
import {
  BadRequestError,
  ClientClosedRequestError,
  type CodedError,
  InternalServerError,
} from '../errors.js';
import type { CodedErrorHttp } from '../soft-delete/index.js';
import { type CorsOptions, corsPolicy } from './cors.js';
import type { PageRoute } from './page-route.js';

/** What {@link createHttpHandler} serves. */
export interface HttpHandlerOptions<TContext extends object> {
  apollo: ApolloServer<TContext>;
  /**
   * Builds a request's context, after Apollo's CSRF check; a thrown `GraphQLError` becomes the
   * whole response, with the status and headers of its `extensions.http` (401 and a
   * `WWW-Authenticate` challenge for a bad token). `signal` aborts (with a
   * {@link ClientClosedRequestError}) when the client disconnects before the response is complete.
   */
  context: (request: IncomingMessage, signal: AbortSignal) => Promise<TContext>;
  /**
   * Runs a request's GraphQL work with the same signal: where that signal is handed to layers the
   * context does not reach (the database client cancels statements with it, see
   * `withStatementSignal`). Without it, the work runs as it is.
   */
  runRequest?: <T>(signal: AbortSignal, work: () => Promise<T>) => Promise<T>;
  /** Resolves when the database answers; `/healthz` reports 503 when it rejects. */
  health: () => Promise<void>;
  /** Bodies larger than this are refused with 413. */
  maxRequestBytes: number;
  /** Which browser origins may call the server. */
  cors: CorsOptions;
  /** Pages (the console, the IDE), tried in order before GraphQL; each declines what it does not serve. */
  pages?: readonly PageRoute[];
}

/**
 * A Node `http` request handler: GraphQL at `/graphql` (POST, and GET for queries), a readiness
 * probe at `GET /healthz`, the `pages` it is given, 404 elsewhere, CORS on all of them. Bodies are capped before they are
 * parsed. The errors it raises itself are GraphQL responses like Apollo's, in the media type the
 * client accepts (`application/graphql-response+json` or `application/json`).
 */
export function createHttpHandler<TContext extends object>(options: HttpHandlerOptions<TContext>) {
  const cors = corsPolicy(options.cors);
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (cors(req, res)) return;
    // A client that gives up closes its socket; the work done for it should stop too.
    const disconnected = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) disconnected.abort(ClientClosedRequestError.disconnected());
    });
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')) {
        const healthy = await options.health().then(
          () => true,
          () => false,
        );
        return sendJson(res, healthy ? 200 : 503, { status: healthy ? 'ok' : 'unavailable' });
      }
      for (const page of options.pages ?? []) if (await page(req, res, url)) return;
      if (url.pathname !== '/graphql')
        return sendJson(res, 404, { error: 'Not found. GraphQL is at /graphql.' });

      const raw = await readBody(req, options.maxRequestBytes);
      if (raw === null) return sendError(req, res, BadRequestError.bodyTooLarge(options.maxRequestBytes));
      const headers = new HeaderMap();
      for (const [key, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
      }
      let body: unknown = raw;
      if ((headers.get('content-type') ?? '').includes('json') && raw.length > 0) {
        try {
          body = JSON.parse(raw);
        } catch {
          return sendError(req, res, BadRequestError.invalidJson());
        }
      }

      const request: HTTPGraphQLRequest = { method: req.method ?? 'GET', headers, search: url.search, body };
      // Apollo builds the context after its CSRF check and answers a failure itself, formatted
      // like any other error, with the error's status and headers.
      const execute = () =>
        options.apollo.executeHTTPGraphQLRequest({
          httpGraphQLRequest: request,
          context: () => options.context(req, disconnected.signal),
        });
      const response = await (options.runRequest
        ? options.runRequest(disconnected.signal, execute)
        : execute());
      for (const [key, value] of response.headers) res.setHeader(key, value);
      res.statusCode = response.status ?? 200;
      if (response.body.kind === 'complete') {
        res.end(response.body.string);
        return;
      }
      for await (const chunk of response.body.asyncIterator) res.write(chunk);
      res.end();
    } catch (error) {
      // Apollo handles operation errors itself; anything here is a bug or a broken connection.
      console.error('Unhandled error while serving a request', error);
      if (!res.headersSent) sendError(req, res, InternalServerError.masked());
      else res.destroy();
    }
  };
}

/**
 * Reads the whole body as UTF-8, or resolves `null` as soon as it exceeds `limit` bytes. The rest
 * of an oversized body is drained, not buffered, so the 413 can still be written.
 */
function readBody(req: IncomingMessage, limit: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    if (Number(req.headers['content-length'] ?? 0) > limit) {
      req.resume();
      return resolve(null);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      req.off('data', onData);
      req.resume();
      resolve(null);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.once('error', reject);
  });
}

/** The media types a GraphQL response may have, preferred in this order on a tie (as Apollo does). */
const GRAPHQL_MEDIA_TYPES = ['application/json', 'application/graphql-response+json'];

/**
 * Answers with one error as a GraphQL response, with the status and headers of the error's
 * `extensions.http`. The media type is the one the client prefers: Apollo Client 4 asks for
 * `application/graphql-response+json`, and reads a non-2xx answer as GraphQL errors only in it.
 */
function sendError(req: IncomingMessage, res: ServerResponse, error: CodedError): void {
  const { http, ...extensions } = error.extensions as { http?: CodedErrorHttp };
  for (const [name, value] of http?.headers ?? []) res.setHeader(name, value);
  const accept = req.headers.accept;
  const mediaType =
    (accept && new Negotiator({ headers: { accept } }).mediaType(GRAPHQL_MEDIA_TYPES)) || 'application/json';
  res.statusCode = http?.status ?? 400;
  res.setHeader('content-type', `${mediaType}; charset=utf-8`);
  res.end(JSON.stringify({ errors: [{ message: error.message, extensions }] }));
}

function sendJson(res: ServerResponse, status: number, payload: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(payload));
}
