// Server CPU spent on documents built to be expensive before any limit applies: thousands of
// duplicated fields make graphql-js's OverlappingFieldsCanBeMerged rule compare every pair.
// Starts the built server (`npm run build` first) against DATABASE_URL, sends each document
// 20 times, one at a time, and reads the server's own CPU time from /proc (Linux only; the
// kernel counts in 10 ms ticks, so figures under 1 ms per request are rough).
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/some_db node bench/hostile-documents.mjs
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) {
  console.error('Set DATABASE_URL to a PostgreSQL database the server may migrate.');
  process.exit(2);
}
const port = 4000 + Math.floor(Math.random() * 1000);
const repeat = (n, text) =>
  Array.from({ length: n }, (_, i) => (typeof text === 'string' ? text : text(i))).join(' ');
const documents = {
  '2,850 × `a: __typename`': `{ ${repeat(2850, 'a: __typename')} }`,
  '2,850 × `id` under viewer': `{ viewer { ${repeat(2850, 'id')} } }`,
  '2,850 × `viewer { id }`': `{ ${repeat(2850, 'viewer { id }')} }`,
  '2,000 × `posts { nodes { id } }`': `{ ${repeat(2000, 'posts { nodes { id } }')} }`,
  '700 × `viewer { id }`': `{ ${repeat(700, 'viewer { id }')} }`,
  '333 fragments of `viewer { id }`': `{ ${repeat(333, (i) => `...F${i}`)} } ${repeat(333, (i) => `fragment F${i} on Query { viewer { id } }`)}`,
  'a small valid query (baseline)': '{ posts(first: 5) { nodes { id title } } }',
};

const server = spawn(process.execPath, ['dist/server.js'], {
  env: { ...process.env, NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32), PORT: String(port) },
  stdio: ['ignore', 'pipe', 'inherit'],
});
await new Promise((resolve, reject) => {
  server.stdout.on('data', (chunk) => String(chunk).includes('ready at') && resolve());
  server.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
});
/** utime + stime of the server process, in milliseconds (clock ticks are 10 ms on Linux). */
const cpuMs = () => {
  const fields = readFileSync(`/proc/${server.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
};
const send = (query) =>
  fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  }).then(async (response) => ({ status: response.status, body: await response.json() }));

try {
  for (const [name, query] of Object.entries(documents)) {
    await send(`${query} # warm-up`);
    const before = cpuMs();
    const started = performance.now();
    let last;
    // A distinct comment each time: Apollo caches validated documents by their source text.
    for (let i = 0; i < 20; i++) last = await send(`${query} # ${i}`);
    const cpu = (cpuMs() - before) / 20;
    const wall = (performance.now() - started) / 20;
    const outcome = last.body.errors
      ? `${last.status} ${last.body.errors[0].extensions?.code}: ${last.body.errors[0].message.slice(0, 70)}`
      : `${last.status} ok`;
    console.log(
      `${name} (${(query.length / 1000).toFixed(1)} KB): ${cpu.toFixed(1)} ms CPU, ${wall.toFixed(1)} ms wall per request → ${outcome}`,
    );
  }
} finally {
  server.kill('SIGTERM');
}
