import { join } from 'node:path';
import type { DemoToken } from '../auth/demo-tokens.js';
import { isRead, type PageRoute, sendNotBuilt, WEB_DIR } from './page-route.js';
import { staticFiles } from './static-files.js';

/** Options of {@link createConsoleRoute}. */
export interface ConsoleRouteOptions {
  /** The demo users' tokens for the sign-in picker; leave out outside development. */
  demoTokens?: () => Promise<DemoToken[]>;
  /** The built pages' directory. @default WEB_DIR */
  webDir?: string;
}

/**
 * The trash console at `/console`: a page for auditors and moderators that talks to `/graphql`
 * with the bearer token its user pastes, like any client. The page holds no secret; in
 * development `GET /console/demo-tokens` lists the demo users' tokens for its picker.
 */
export async function createConsoleRoute(options: ConsoleRouteOptions = {}): Promise<PageRoute> {
  const files = await staticFiles(join(options.webDir ?? WEB_DIR, 'console'));
  return async (req, res, url) => {
    const path = url.pathname;
    if (!isRead(req) || (path !== '/console' && !path.startsWith('/console/'))) return false;
    if (path === '/console/demo-tokens' && options.demoTokens) {
      res.setHeader('content-type', 'application/json; charset=utf-8');
      res.setHeader('cache-control', 'no-store');
      res.end(JSON.stringify(await options.demoTokens()));
      return true;
    }
    const name = path === '/console' || path === '/console/' ? 'index.html' : path.slice('/console/'.length);
    if (await files.send(req, res, name)) return true;
    if (name === 'index.html') sendNotBuilt(res, 'console');
    else {
      res.statusCode = 404;
      res.end();
    }
    return true;
  };
}
