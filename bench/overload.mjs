// `npm run bench:overload`: can one client with permitted queries stop the server? Seeds a heavy
// user (100 posts × 24 comments) in a fresh database, starts the real server (dist/server.js),
// then runs --clients clients sending the heaviest query the limits allow, each giving up after
// --timeout ms, for --duration seconds, while probing `{ __typename }` every 100 ms (and a small
// `posts(first: 5)` query and /healthz every 250 ms). Reports probe latencies, heavy outcomes
// (completed / shed with 503 / aborted by the client), the server's peak RSS, and how long after
// the clients stop until the probe answers fast again. Loopback only, bounded in time.
// Options: --duration 15 --clients 32 --timeout 2000 --no-build. DATABASE_URL: an external server
// instead of the embedded one. Server settings (MAX_CONCURRENT_COST, …) pass through the environment.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { openBenchServer, sql } from './database.mjs';

const { values: opt } = parseArgs({
  options: {
    duration: { type: 'string', default: '15' },
    clients: { type: 'string', default: '32' },
    timeout: { type: 'string', default: '2000' },
    port: { type: 'string', default: '4517' },
    label: { type: 'string', default: 'current' },
  },
});
const durationMs = Number(opt.duration) * 1000;
const clients = Number(opt.clients);
const clientTimeoutMs = Number(opt.timeout);
const here = (path) => new URL(path, import.meta.url).pathname;
const dist = (path) => import(new URL(`../dist/${path}`, import.meta.url).href);
const log = (line) => process.stderr.write(`${line}\n`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const POSTS = 100;
const COMMENTS_PER_POST = 24;
const HEAVY = `query Heavy($id: ID!) { user(id: $id) { posts(first: ${POSTS}) { nodes { title
  comments(first: ${COMMENTS_PER_POST}) { totalCount nodes { body author { username } } } } } } }`;
const PROBE = '{ __typename }';
const SMALL = '{ posts(first: 5) { nodes { title } } }';

const { createDatabaseIfMissing, withDatabase } = await dist('db/database.js');
const { toGlobalId } = await dist('graphql/global-id.js');
const { adminUrl, stop: stopDatabase } = await openBenchServer();
const name = 'bench_overload';
const url = withDatabase(adminUrl, name);

let server;
try {
  await sql(adminUrl, `drop database if exists ${name} with (force)`);
  await createDatabaseIfMissing(adminUrl, name);
  server = await startServer();
  const userId = await seed();
  const report = await run(server, toGlobalId('User', userId));
  print(report);
  mkdirSync(here('results'), { recursive: true });
  writeFileSync(here(`results/overload-${opt.label}.json`), `${JSON.stringify(report, null, 2)}\n`);
} finally {
  server?.child.kill('SIGTERM');
  await new Promise((resolve) => (server ? server.child.once('exit', resolve) : resolve()));
  await sql(adminUrl, `drop database if exists ${name} with (force)`).catch(() => {});
  await stopDatabase();
}

/** One heavy user: 100 posts with 24 comments each, by 24 other users; plus a few light posts. */
async function seed() {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const users = await client.query(
      `insert into users (username, email, display_name)
       select 'user' || i, 'user' || i || '@example.com', 'User ' || i from generate_series(0, $1) i
       returning id`,
      [COMMENTS_PER_POST],
    );
    const [heavy, ...commenters] = users.rows.map((row) => row.id);
    const posts = await client.query(
      `insert into post (author_id, title, body, created_at)
       select $1, 'Post ' || i, repeat('text ', 40), now() - i * interval '1 minute'
       from generate_series(1, $2) i returning id`,
      [heavy, POSTS],
    );
    await client.query(
      `insert into comment (post_id, author_id, body, created_at)
       select p, a, repeat('a comment ', 10), now() - c * interval '1 second'
       from unnest($1::int[]) p, unnest($2::int[]) with ordinality as t(a, c)`,
      [posts.rows.map((row) => row.id), commenters],
    );
    await client.query('analyze');
    return heavy;
  } finally {
    await client.end();
  }
}

function startServer() {
  const child = spawn(process.execPath, [here('../dist/server.js')], {
    cwd: here('..'),
    env: {
      ...process.env,
      DATABASE_URL: url,
      PORT: opt.port,
      NODE_ENV: 'production',
      JWT_SECRET: 'tombstone-benchmark-secret-0123456789abcdef',
      SEED_DEMO_DATA: 'false',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let errors = 0;
  child.stderr.on('data', (chunk) => {
    // Cancelled statements are logged once each; count them rather than flood the terminal.
    errors += String(chunk).split('\n').filter(Boolean).length;
  });
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      if (/ready/.test(String(chunk)))
        resolve({
          child,
          url: `http://127.0.0.1:${opt.port}/graphql`,
          health: `http://127.0.0.1:${opt.port}/healthz`,
          stderrLines: () => errors,
        });
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
}

async function post(target, query, variables, timeoutMs) {
  const started = performance.now();
  try {
    const response = await fetch(target, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = await response.json();
    return { ms: performance.now() - started, status: response.status, body, headers: response.headers };
  } catch (error) {
    return { ms: performance.now() - started, status: 0, aborted: error.name === 'TimeoutError' };
  }
}

async function run(server, heavyId) {
  const warm = await post(server.url, HEAVY, { id: heavyId }, 60_000);
  const rows = warm.body?.data?.user?.posts?.nodes?.length ?? 0;
  if (warm.status !== 200 || rows !== POSTS) throw new Error(`Heavy query failed: ${JSON.stringify(warm)}`);
  log(`Heavy query alone: ${warm.ms.toFixed(0)} ms, ${POSTS} posts × ${COMMENTS_PER_POST} comments.`);

  const rssKb = () =>
    Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${server.child.pid}/status`, 'utf8'))[1]);
  const baselineRss = rssKb();
  let peakRss = baselineRss;
  const heavy = { completed: 0, shed: 0, aborted: 0, other: 0, retryAfter: new Set() };
  const probes = { typename: [], small: [], healthz: [] };
  let running = true;
  const started = performance.now();
  log(`Running ${clients} heavy clients for ${durationMs / 1000} s…`);

  const rssTimer = setInterval(() => {
    peakRss = Math.max(peakRss, rssKb());
  }, 100);
  const worker = async () => {
    while (running) {
      const result = await post(server.url, HEAVY, { id: heavyId }, clientTimeoutMs);
      if (result.status === 200 && !result.body.errors) heavy.completed += 1;
      else if (result.status === 503) {
        heavy.shed += 1;
        heavy.retryAfter.add(result.headers.get('retry-after'));
      } else if (result.aborted) heavy.aborted += 1;
      else heavy.other += 1;
    }
  };
  const prober = async (list, every, send) => {
    while (running) {
      const next = sleep(every);
      list.push(await send());
      await next;
    }
  };
  const probeTimeout = 30_000;
  const health = async () => {
    const t = performance.now();
    const response = await fetch(server.health, { signal: AbortSignal.timeout(probeTimeout) }).catch(
      () => null,
    );
    return { ms: performance.now() - t, status: response?.status ?? 0 };
  };
  const tasks = [
    ...Array.from({ length: clients }, worker),
    prober(probes.typename, 100, () => post(server.url, PROBE, undefined, probeTimeout)),
    prober(probes.small, 250, () => post(server.url, SMALL, undefined, probeTimeout)),
    prober(probes.healthz, 250, health),
  ];
  await sleep(durationMs);
  running = false;
  const stoppedAt = performance.now();
  // Recovery: the first probe after the stop that answers in under 100 ms. Clients stop sending,
  // and their last requests time out on the client within --timeout.
  let recoveredMs = null;
  while (performance.now() - stoppedAt < 60_000) {
    const probe = await post(server.url, PROBE, undefined, probeTimeout);
    if (probe.status === 200 && probe.ms < 100) {
      recoveredMs = performance.now() - stoppedAt;
      break;
    }
    await sleep(50);
  }
  await Promise.all(tasks);
  clearInterval(rssTimer);

  const summary = (list) => {
    const ms = list.map((p) => p.ms).sort((a, b) => a - b);
    const at = (q) => ms[Math.min(ms.length - 1, Math.ceil(q * ms.length) - 1)] ?? null;
    const round = (v) => (v === null ? null : Math.round(v));
    return {
      count: ms.length,
      failed: list.filter((p) => p.status !== 200).length,
      p50: round(at(0.5)),
      p95: round(at(0.95)),
      max: round(ms.at(-1) ?? null),
      over1s: ms.filter((v) => v > 1000).length,
    };
  };
  return {
    when: new Date().toISOString(),
    label: opt.label,
    settings: {
      clients,
      durationS: durationMs / 1000,
      clientTimeoutMs,
      heavyQueryAloneMs: Math.round(warm.ms),
      env: Object.fromEntries(
        Object.entries(process.env).filter(([key]) =>
          /^(MAX_CONCURRENT_COST|ADMISSION_|DB_POOL_SIZE|DB_STATEMENT_TIMEOUT_MS|MAX_QUERY_)/.test(key),
        ),
      ),
    },
    heavy: { ...heavy, retryAfter: [...heavy.retryAfter], elapsedS: (stoppedAt - started) / 1000 },
    probes: {
      typename: summary(probes.typename),
      small: summary(probes.small),
      healthz: summary(probes.healthz),
    },
    rssMb: { baseline: Math.round(baselineRss / 1024), peak: Math.round(peakRss / 1024) },
    recoveredAfterStopMs: recoveredMs === null ? null : Math.round(recoveredMs),
    serverStderrLines: server.stderrLines(),
  };
}

function print(report) {
  const p = report.probes;
  const line = (label, s) =>
    `${label.padEnd(18)} n=${String(s.count).padStart(4)} failed=${s.failed} p50=${s.p50} ms p95=${s.p95} ms max=${s.max} ms (>1 s: ${s.over1s})`;
  console.log(
    `\nOverload (${report.label}): ${report.settings.clients} clients × heavy query, ${report.settings.durationS} s, client timeout ${report.settings.clientTimeoutMs} ms`,
  );
  console.log(`heavy alone:       ${report.settings.heavyQueryAloneMs} ms`);
  console.log(
    `heavy outcomes:    completed=${report.heavy.completed} shed(503)=${report.heavy.shed} aborted=${report.heavy.aborted} other=${report.heavy.other}`,
  );
  console.log(line('probe __typename', p.typename));
  console.log(line('probe posts(5)', p.small));
  console.log(line('probe /healthz', p.healthz));
  console.log(`server RSS:        baseline ${report.rssMb.baseline} MB, peak ${report.rssMb.peak} MB`);
  console.log(
    `recovered after:   ${report.recoveredAfterStopMs === null ? 'not within 60 s' : `${report.recoveredAfterStopMs} ms`} after the clients stopped`,
  );
}
