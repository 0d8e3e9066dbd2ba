// Bundles the browser pages the server serves, into dist/web/: the trash console (Preact) and
// the GraphQL IDE (GraphiQL with its Monaco workers). Everything they load at run time comes
// from this server; nothing is fetched from a CDN. Run by `npm run build`.
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'web');

const common = {
  absWorkingDir: root,
  bundle: true,
  minify: true,
  format: 'esm',
  target: 'es2022',
  sourcemap: 'linked',
  logLevel: 'warning',
  legalComments: 'linked',
  define: { 'process.env.NODE_ENV': '"production"' },
};

await rm(out, { recursive: true, force: true });
await Promise.all([
  build({
    ...common,
    entryPoints: { console: 'web/console/main.tsx' },
    outdir: join(out, 'console'),
    jsx: 'automatic',
    jsxImportSource: 'preact',
  }),
  build({
    ...common,
    entryPoints: {
      graphiql: 'web/graphiql/main.ts',
      'editor.worker': 'monaco-editor/esm/vs/editor/editor.worker.js',
      'json.worker': 'monaco-editor/esm/vs/language/json/json.worker.js',
      'graphql.worker': 'monaco-graphql/esm/graphql.worker.js',
    },
    outdir: join(out, 'graphiql'),
    loader: { '.ttf': 'file', '.woff': 'file', '.woff2': 'file', '.svg': 'file' },
    assetNames: '[name]-[hash]',
  }),
]);
for (const page of ['console', 'graphiql']) {
  await mkdir(join(out, page), { recursive: true });
  await copyFile(join(root, 'web', page, 'index.html'), join(out, page, 'index.html'));
}
