import { join } from 'node:path';
import { isRead, type PageRoute, sendNotBuilt, WEB_DIR } from './page-route.js';
import { staticFiles } from './static-files.js';

/**
 * The GraphQL IDE: a browser's `GET /graphql` (one that accepts HTML and sends no `query`) gets
 * the bundled GraphiQL, whose scripts, styles and workers come from `/graphiql/…`. Every other
 * request to `/graphql` is left to the GraphQL handler.
 */
export async function createGraphiqlRoute(options: { webDir?: string } = {}): Promise<PageRoute> {
  const files = await staticFiles(join(options.webDir ?? WEB_DIR, 'graphiql'));
  return async (req, res, url) => {
    if (!isRead(req)) return false;
    if (url.pathname === '/graphql') {
      const wantsPage = (req.headers.accept ?? '').includes('text/html') && !url.searchParams.has('query');
      if (!wantsPage) return false;
      if (!(await files.send(req, res, 'index.html'))) sendNotBuilt(res, 'GraphQL IDE');
      return true;
    }
    if (!url.pathname.startsWith('/graphiql/')) return false;
    if (!(await files.send(req, res, url.pathname.slice('/graphiql/'.length)))) {
      res.statusCode = 404;
      res.end();
    }
    return true;
  };
}
