import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ApolloServer, HeaderMap, type HTTPGraphQLRequest } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { ClientClosedRequestError } from '../errors.js';
import type { PageRoute } from './page-route.js';

/** What {@link createHttpHandler} serves. */
export interface HttpHandlerOptions<TContext extends object> {
  apollo: ApolloServer<TContext>;
  /**
   * Builds a request's context; a thrown `GraphQLError` becomes the whole response. `signal`
   * aborts (with a {@link ClientClosedRequestError}) when the client disconnects before the
   * response is complete.
   */
  context: (request: IncomingMessage, signal: AbortSignal) => Promise<TContext>;
  /** Resolves when the database answers; `/healthz` reports 503 when it rejects. */
  health: () => Promise<void>;
  /** Bodies larger than this are refused with 413. */
  maxRequestBytes: number;
  /** Pages (the console, the IDE), tried in order before GraphQL; each declines what it does not serve. */
  pages?: readonly PageRoute[];
}

/**
 * A Node `http` request handler: GraphQL at `/graphql` (POST, and GET for queries), a readiness
 * probe at `GET /healthz`, the `pages` it is given, 404 elsewhere. Bodies are capped before they are parsed.
 */
export function createHttpHandler<TContext extends object>(options: HttpHandlerOptions<TContext>) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
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
      if (raw === null) {
        return sendErrors(
          res,
          413,
          `The request body is larger than ${options.maxRequestBytes} bytes.`,
          'BAD_REQUEST',
        );
      }
      const headers = new HeaderMap();
      for (const [key, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
      }
      let body: unknown = raw;
      if ((headers.get('content-type') ?? '').includes('json') && raw.length > 0) {
        try {
          body = JSON.parse(raw);
        } catch {
          return sendErrors(res, 400, 'The request body is not valid JSON.', 'BAD_REQUEST');
        }
      }

      let context: TContext;
      try {
        context = await options.context(req, disconnected.signal);
      } catch (error) {
        if (!(error instanceof GraphQLError)) throw error;
        const status = (error.extensions.http as { status?: number } | undefined)?.status ?? 400;
        return sendErrors(res, status, error.message, String(error.extensions.code));
      }

      const request: HTTPGraphQLRequest = { method: req.method ?? 'GET', headers, search: url.search, body };
      const response = await options.apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: request,
        context: async () => context,
      });
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
      if (!res.headersSent) sendErrors(res, 500, 'Internal server error.', 'INTERNAL_SERVER_ERROR');
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

function sendErrors(res: ServerResponse, status: number, message: string, code: string): void {
  sendJson(res, status, { errors: [{ message, extensions: { code } }] });
}

function sendJson(res: ServerResponse, status: number, payload: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(payload));
}
