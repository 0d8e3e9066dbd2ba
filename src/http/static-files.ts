import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.ttf': 'font/ttf',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/**
 * The pages may load scripts, styles, fonts and workers from this server only, and talk to it
 * only: a page that tried a CDN would fail visibly. Monaco sets inline styles.
 */
export const PAGE_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** A directory of built files, served by name. */
export interface StaticFiles {
  /** Sends `name` (a path relative to the directory) and resolves true, or resolves false when there is no such file. */
  send(req: IncomingMessage, res: ServerResponse, name: string): Promise<boolean>;
}

/**
 * Serves the files of `dir` as they are on disk when this is called: only names listed then are
 * served, so no request path can reach outside it. A directory that does not exist (the pages
 * are not built) serves nothing.
 */
export async function staticFiles(dir: string): Promise<StaticFiles> {
  const names = new Set<string>();
  try {
    for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
      if (entry.isFile()) names.add(join(entry.parentPath, entry.name).slice(dir.length + 1));
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  return {
    async send(req, res, name) {
      if (!names.has(name)) return false;
      const path = join(dir, name);
      const { size } = await stat(path);
      res.statusCode = 200;
      res.setHeader('content-type', CONTENT_TYPES[extname(name)] ?? 'application/octet-stream');
      res.setHeader('content-length', size);
      // File names are not content-hashed: browsers revalidate, which is cheap on loopback.
      res.setHeader('cache-control', 'no-cache');
      res.setHeader('x-content-type-options', 'nosniff');
      if (name.endsWith('.html')) res.setHeader('content-security-policy', PAGE_SECURITY_POLICY);
      if (req.method === 'HEAD') {
        res.end();
        return true;
      }
      await new Promise<void>((resolve, reject) => {
        createReadStream(path).on('error', reject).pipe(res).on('finish', resolve).on('close', resolve);
      });
      return true;
    },
  };
}
