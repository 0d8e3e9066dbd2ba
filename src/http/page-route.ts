import type { IncomingMessage, ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';

/**
 * A handler for some of the server's paths: answers and resolves true for a request it serves,
 * resolves false (having written nothing) for one it does not.
 */
export type PageRoute = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;

/** Where `npm run build` puts the bundled pages (`scripts/build-web.mjs`), from src/ and dist/ alike. */
export const WEB_DIR = fileURLToPath(new URL('../../dist/web', import.meta.url));

/** Answers a page request when the pages have not been built. */
export function sendNotBuilt(res: ServerResponse, page: string): void {
  res.statusCode = 503;
  res.setHeader('content-type', 'text/plain; charset=utf-8');
  res.end(`The ${page} is not built: run \`npm run build\` and restart the server.\n`);
}

/** Whether a request is a read (`GET` or `HEAD`), the only methods pages answer. */
export function isRead(req: IncomingMessage): boolean {
  return req.method === 'GET' || req.method === 'HEAD';
}
