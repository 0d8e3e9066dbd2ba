import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Which browser origins may call the server (`CORS_ORIGINS`). Each entry is an origin exactly as
 * a browser sends it (`https://app.example.com`, no path or trailing slash); `:*` in place of
 * the port allows every port of that host (`http://localhost:*`).
 */
export interface CorsOptions {
  origins: readonly string[];
}

/** The origins development allows when `CORS_ORIGINS` is unset: every local dev server. */
export const DEVELOPMENT_ORIGINS: readonly string[] = [
  'http://localhost:*',
  'http://127.0.0.1:*',
  'http://[::1]:*',
];

/** How long a browser may reuse a preflight's answer, in seconds (Chromium caps it at 7200). */
export const PREFLIGHT_MAX_AGE_SECONDS = 600;

const ALLOWED_METHODS = 'GET, POST, OPTIONS';
/**
 * What a GraphQL client sends besides the CORS-safelisted headers: the token, the JSON content
 * type, Apollo Server's CSRF-prevention headers (Apollo Client sends one of them on GET) and
 * Apollo Client's client-awareness headers.
 */
const ALLOWED_HEADERS = [
  'authorization',
  'content-type',
  'apollo-require-preflight',
  'x-apollo-operation-name',
  'apollographql-client-name',
  'apollographql-client-version',
].join(', ');
/** Response headers a browser app may read besides the safelisted ones. */
const EXPOSED_HEADERS = 'retry-after, www-authenticate';

/**
 * Whether `pattern` is a valid `CORS_ORIGINS` entry: an http(s) origin in the form browsers
 * send, optionally with `*` as its port.
 */
export function isOriginPattern(pattern: string): boolean {
  const anyPort = pattern.endsWith(':*');
  const origin = anyPort ? pattern.slice(0, -2) : pattern;
  try {
    const url = new URL(origin);
    return (
      (url.protocol === 'http:' || url.protocol === 'https:') &&
      url.origin === origin &&
      !(anyPort && url.port)
    );
  } catch {
    return false;
  }
}

/**
 * CORS for a Node `http` handler. Every response names `Origin` in `Vary` (answers differ by
 * origin, and a shared cache must not mix them); only an allowed origin is echoed in
 * `Access-Control-Allow-Origin`. A preflight (`OPTIONS`) is answered here with 204: for an
 * allowed origin with the methods, headers and `Access-Control-Max-Age` the server accepts, for
 * any other without CORS headers, which the browser reads as a refusal. Credentials (cookies)
 * are never allowed: the API authenticates with a bearer token, so there is none to send.
 *
 * Apollo Server's CSRF prevention stays on behind this: CORS decides what a browser may read,
 * not which requests reach the server.
 *
 * @returns a function that sets the CORS headers on `res` and returns `true` when it has
 *   answered the request itself (a preflight)
 */
export function corsPolicy(options: CorsOptions): (req: IncomingMessage, res: ServerResponse) => boolean {
  const exact = new Set(options.origins.filter((pattern) => !pattern.endsWith(':*')));
  // `http://localhost:*` allows `http://localhost` and `http://localhost:<port>`, nothing longer.
  const anyPort = options.origins.filter((pattern) => pattern.endsWith(':*')).map((p) => p.slice(0, -2));
  const allowed = (origin: string) =>
    exact.has(origin) ||
    anyPort.some(
      (host) =>
        origin === host || (origin.startsWith(`${host}:`) && /^\d{1,5}$/.test(origin.slice(host.length + 1))),
    );
  return (req, res) => {
    res.setHeader('vary', 'Origin');
    const origin = req.headers.origin;
    const permitted = origin !== undefined && allowed(origin);
    if (permitted) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('access-control-expose-headers', EXPOSED_HEADERS);
    }
    if (req.method !== 'OPTIONS') return false;
    res.statusCode = 204;
    res.setHeader('allow', ALLOWED_METHODS);
    if (permitted) {
      res.setHeader('access-control-allow-methods', ALLOWED_METHODS);
      res.setHeader('access-control-allow-headers', ALLOWED_HEADERS);
      res.setHeader('access-control-max-age', String(PREFLIGHT_MAX_AGE_SECONDS));
    }
    res.end();
    return true;
  };
}
