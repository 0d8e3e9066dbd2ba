// `npm run dev` runs this under `node --watch-path=src --watch-path=schema`: every change to the
// sources restarts the process, which rebuilds and starts the server again. A failed build
// exits; the next change tries again.
import { execFileSync } from 'node:child_process';

try {
  execFileSync('node_modules/.bin/tsc', ['-p', 'tsconfig.build.json'], { stdio: 'inherit' });
} catch {
  console.error('Build failed; waiting for the next change.');
  process.exit(1);
}
await import('../dist/server.js');
