// `npm run bench`: seeds (or reuses) a benchmark database, starts every system on it, checks they
// return the same data, then runs each workload against each system with autocannon, runs
// interleaved (within a run the systems take turns in slices, in an order that changes every round
// so that every system follows every other equally often: turn-order.mjs), and writes
// bench/results/latest.{json,md}: figures per system and workload, ratios between systems as
// medians of the per-run ratios and pooled over every turn with a
// 90% interval (spread.mjs). Options: --scale 1 --seed 42
// --duration 10 (seconds per system, workload and run) --slices 10 --warmup 3
// --connections 16 --runs 3 --systems ours,off,twin,postgraphile,handwritten (twin: a second
// feature-off server, off's A/A control) --workloads W1,W2,W3,W4,W5,W6; --tombstones 0.3 (a
// target share per table instead of the default mix);
// --fixed-rate 0.8 (0 skips the fixed-rate pass); --out bench/results/latest (writes .json and
// .md). Every run starts every system afresh (new processes, warmed up on every workload).
// W6's turns go round with W2's, so that W6 ÷ W2 compares turns taken side by side.
// Off and the twin serve what ours serves, W5's writes and W6's auditor reads included, so that
// the three have the same history when they serve the reads (W6 there is history only).
// DATABASE_URL: an external server instead of the embedded one (PostgreSQL's CPU per request
// then reads n/a: its processes are read from /proc).
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { openBenchServer, sql } from './database.mjs';
import { pairedRatio } from './spread.mjs';
import { roundOrder } from './turn-order.mjs';
import { bodies, essence, historyOnly, onCopy, rowsReturned, WORKLOADS } from './workloads.mjs';

const { values: opt } = parseArgs({
  options: {
    scale: { type: 'string', default: '1' },
    seed: { type: 'string', default: '42' },
    duration: { type: 'string', default: '10' },
    slices: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    connections: { type: 'string', default: '16' },
    runs: { type: 'string', default: '3' },
    systems: { type: 'string', default: 'ours,off,twin,postgraphile,handwritten' },
    workloads: { type: 'string', default: WORKLOADS.join(',') },
    tombstones: { type: 'string', default: '' },
    'fixed-rate': { type: 'string', default: '0.8' },
    out: { type: 'string', default: new URL('results/latest', import.meta.url).pathname },
  },
});
const scale = Number(opt.scale);
const seed = Number(opt.seed);
const tombstones = opt.tombstones === '' ? null : Number(opt.tombstones);
if (tombstones !== null && !(tombstones >= 0 && tombstones < 1)) {
  process.stderr.write(`--tombstones must be a share from 0 to 1 (e.g. 0.3), not "${opt.tombstones}".\n`);
  process.exit(2);
}
const fixedRate = Number(opt['fixed-rate']);
const systems = opt.systems.split(',');
const here = (path) => new URL(path, import.meta.url).pathname;
const dist = (path) => import(new URL(`../dist/${path}`, import.meta.url).href);
const SECRET = 'tombstone-benchmark-secret-0123456789abcdef';
const log = (line) => process.stderr.write(`${line}\n`);

const { createDatabaseIfMissing, dropDatabase, withDatabase } = await dist('db/database.js');
const { adminUrl, stop: stopDatabase } = await openBenchServer({
  shared_preload_libraries: 'pg_stat_statements',
  shared_buffers: '512MB',
});
// Every input of the seeding is in the name, so a database seeded otherwise is never reused.
const tag = (x) => String(x).replace('.', '_');
const name = `bench_s${tag(scale)}_r${seed}${tombstones === null ? '' : `_t${tag(tombstones)}`}`;
const url = withDatabase(adminUrl, name);
const offUrl = withDatabase(adminUrl, `${name}_off`);

async function prepare() {
  await createDatabaseIfMissing(adminUrl, name);
  const [ready] = await sql(url, "select to_regclass('bench_meta') is not null as ready");
  if (ready.ready && (await sql(url, 'select 1 from bench_meta')).length > 0) {
    log(`Reusing ${name}.`);
    return JSON.parse((await sql(url, 'select value from bench_meta'))[0].value);
  }
  // A seeding interrupted half-way (no bench_meta yet): start again from an empty database, and
  // drop its feature-off copy, made from the rows that were there.
  await dropDatabase(adminUrl, name);
  await dropDatabase(adminUrl, `${name}_off`);
  await createDatabaseIfMissing(adminUrl, name);
  log(`Seeding ${name} (scale ${scale}, seed ${seed}, tombstones ${tombstones ?? 'default mix'})…`);
  const started = Date.now();
  const { initORM } = await dist('db/orm.config.js');
  const { buildSchema } = await dist('schema.js');
  const { SoftDelete, softDeleteCascades } = await dist('soft-delete/index.js');
  const { User } = await dist('modules/user/user.entity.js');
  const { Post } = await dist('modules/post/post.entity.js');
  const { Comment } = await dist('modules/comment/comment.entity.js');
  const softDelete = new SoftDelete({ cascades: softDeleteCascades(buildSchema()) });
  const orm = await initORM(
    { clientUrl: url, ...softDelete.ormOptions(), pool: { max: 10 } },
    { migrate: true },
  );
  const { seedBenchmark } = await import('./seed.mjs');
  const summary = await seedBenchmark({
    url,
    scale,
    seed,
    tombstones,
    orm,
    softDelete,
    entities: { User, Post, Comment },
  });
  await orm.close();
  summary.seconds = Math.round((Date.now() - started) / 1000);
  await sql(url, 'create table bench_meta (value text)');
  await sql(url, 'insert into bench_meta values ($1)', [JSON.stringify(summary)]);
  log(`Seeded in ${summary.seconds} s: ${JSON.stringify(summary)}`);
  return summary;
}

/** The feature-off copy: the same live rows, no tombstones at all. */
async function prepareCopy() {
  const [exists] = await sql(adminUrl, 'select count(*)::int as n from pg_database where datname = $1', [
    `${name}_off`,
  ]);
  if (exists.n > 0) {
    const [done] = await sql(offUrl, "select to_regclass('bench_copy_done') is not null as done");
    if (done.done) return;
    // A copy interrupted half-way: start again.
    await sql(adminUrl, `drop database "${name}_off" with (force)`);
  }
  log('Copying without tombstones…');
  const started = Date.now();
  await sql(adminUrl, `create database "${name}_off" template "${name}"`);
  await sql(
    offUrl,
    `
    delete from comment c where c.deleted_at is not null
      or exists (select 1 from post p where p.id = c.post_id and p.deleted_at is not null)
      or exists (select 1 from users u where u.id = c.author_id and u.deleted_at is not null)
      or exists (select 1 from post p join users u on u.id = p.author_id where p.id = c.post_id and u.deleted_at is not null)`,
  );
  await sql(
    offUrl,
    `delete from post p where p.deleted_at is not null
      or exists (select 1 from users u where u.id = p.author_id and u.deleted_at is not null)`,
  );
  await sql(offUrl, 'delete from users where deleted_at is not null');
  await sql(offUrl, 'vacuum analyze');
  await sql(offUrl, 'create table bench_copy_done ()');
  log(`Copied in ${Math.round((Date.now() - started) / 1000)} s.`);
}

/** PostGraphile's reader: a login role whose policies hide tombstones and rows under hidden parents. */
async function prepareRls() {
  await sql(
    url,
    `do $$ begin create role bench_reader login password 'bench'; exception when duplicate_object then null; end $$`,
  );
  await sql(
    url,
    'grant usage on schema public to bench_reader; grant select on users, post, comment, follow to bench_reader',
  );
  const policies = {
    users: 'deleted_at is null',
    post: 'deleted_at is null and exists (select 1 from users u where u.id = author_id)',
    comment:
      'deleted_at is null and exists (select 1 from post p where p.id = post_id) and exists (select 1 from users u where u.id = author_id)',
    follow:
      'exists (select 1 from users u where u.id = follower_id) and exists (select 1 from users u where u.id = followee_id)',
  };
  for (const [table, using] of Object.entries(policies)) {
    await sql(url, `alter table "${table}" enable row level security`);
    await sql(url, `drop policy if exists live on "${table}"`);
    await sql(url, `create policy live on "${table}" for select to bench_reader using (${using})`);
  }
  const reader = new URL(url);
  reader.username = 'bench_reader';
  reader.password = 'bench';
  return reader.toString();
}

async function sample() {
  const { toGlobalId } = await dist('graphql/global-id.js');
  const posts = await sql(
    url,
    `select p.id from post p join users u on u.id = p.author_id
    where p.deleted_at is null and u.deleted_at is null order by md5(p.id::text) limit 200`,
  );
  const users = await sql(
    url,
    'select id from users where deleted_at is null order by md5(id::text) limit 200',
  );
  const comments = await sql(
    url,
    `select c.id from comment c join post p on p.id = c.post_id join users pu on pu.id = p.author_id
    join users cu on cu.id = c.author_id where c.deleted_at is null and p.deleted_at is null and pu.deleted_at is null
    and cu.deleted_at is null and c.parent_id is null order by md5(c.id::text) limit 400`,
  );
  const rows = [...posts.map((p) => ['Post', p.id]), ...users.map((u) => ['User', u.id])].sort(() => 0);
  return {
    rowIds: rows,
    nodeIds: rows.map(([type, id]) => toGlobalId(type, id)),
    words: ['tombstone', 'coffee morning', 'postgres', 'music', 'garden code', '"hello world"'],
    // W5's comments: the first half for ours and off (each in its own database), the second for
    // the twin, which writes in off's.
    commentIds: comments.slice(0, 200).map((c) => toGlobalId('Comment', c.id)),
    twinCommentIds: comments.slice(200).map((c) => toGlobalId('Comment', c.id)),
  };
}

function startSystem(system, port, readerUrl) {
  const env = {
    ...process.env,
    PORT: String(port),
    POOL_SIZE: '16',
    DB_POOL_SIZE: '16',
    NODE_ENV: 'production',
    JWT_SECRET: SECRET,
  };
  const featureOff = [
    'dist/server.js',
    { DATABASE_URL: offUrl, SEED_DEMO_DATA: 'false', SOFT_DELETE_FILTERS: 'off', NODE_ENV: 'test' },
  ];
  const spec = {
    ours: ['dist/server.js', { DATABASE_URL: url, SEED_DEMO_DATA: 'false' }],
    off: featureOff,
    // The same server as off, started and measured as a system of its own: what twin ÷ off reads
    // is what this machine and the bench's order make of two identical servers in this run, the
    // yardstick for ours ÷ off.
    twin: featureOff,
    postgraphile: ['bench/postgraphile-server.mjs', { DATABASE_URL: readerUrl }],
    handwritten: ['bench/handwritten-server.mjs', { DATABASE_URL: url }],
  }[system];
  const child = spawn(process.execPath, [spec[0]], {
    cwd: here('..'),
    env: { ...env, ...spec[1] },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      if (/ready/.test(String(chunk))) resolve({ system, child, url: `http://127.0.0.1:${port}/graphql` });
    });
    child.on('exit', (code) => reject(new Error(`${system} exited with ${code}`)));
  });
}

const cpuSeconds = (pid) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
};
/**
 * CPU seconds spent so far by each of PostgreSQL's client backends (every database), by pid; null
 * when PostgreSQL runs elsewhere (an external DATABASE_URL) and its processes cannot be read.
 * Only the system whose turn it is sends statements, and the others' backends sit idle, so the
 * CPU the backends spend over a turn is that system's database work: the side of a request the
 * server's own CPU time does not see (PostGraphile does most of its work there).
 */
async function postgresCpu() {
  try {
    const rows = await sql(
      adminUrl,
      "select pid from pg_stat_activity where backend_type = 'client backend' and pid <> pg_backend_pid()",
    );
    const cpu = new Map();
    for (const { pid } of rows) {
      let name;
      try {
        name = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
        cpu.set(pid, cpuSeconds(pid));
      } catch {
        // The backend exited between the query and the read: its CPU is lost to both sides.
        continue;
      }
      // A pid of another machine's PostgreSQL (DATABASE_URL) names some other local process.
      if (!name.startsWith('postgres')) return null;
    }
    // None of the backends could be read here: PostgreSQL runs elsewhere.
    return rows.length > 0 && cpu.size === 0 ? null : cpu;
  } catch {
    return null;
  }
}

/** The CPU seconds backends spent between two `postgresCpu()` readings (new backends in full). */
function postgresCpuSpent(before, after) {
  if (!before || !after) return null;
  let spent = 0;
  for (const [pid, seconds] of after) spent += seconds - (before.get(pid) ?? 0);
  return spent;
}

const peakRssMb = (pid) =>
  Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;

/** Statements run so far on a database, and the time PostgreSQL spent executing them (ms). */
async function statements(database) {
  try {
    const [row] = await sql(
      database,
      `select coalesce(sum(calls), 0)::bigint as calls, coalesce(sum(total_exec_time), 0)::float as ms from pg_stat_statements
      where dbid = (select oid from pg_database where datname = current_database()) and query not ilike '%pg_stat_statements%'`,
    );
    return { calls: Number(row.calls), ms: Number(row.ms) };
  } catch {
    return null;
  }
}

function load(server, requestBodies, token, seconds, rate, raw = false) {
  const spec = {
    url: server.url,
    bodies: requestBodies,
    connections: Number(opt.connections),
    duration: seconds,
    token,
    rate,
    raw,
  };
  // The spec goes through a file: W5's request bodies overflow a command line.
  const file = join(tmpdir(), `tombstone-load-${process.pid}.json`);
  writeFileSync(file, JSON.stringify(spec));
  const out = execFileSync(process.execPath, [here('load.mjs'), file], { maxBuffer: 1 << 26 });
  return JSON.parse(String(out));
}

/**
 * Vacuums the benchmark's databases, so that every workload starts from the same state: W5's
 * deletes and restores leave dead tuples and clear the visibility map on the very pages the reads
 * then visit. When only ours wrote, an index-only count fetched heap pages on ours and none on
 * the copy (W1's comment counts: 18 buffers against 4, 0.050 against 0.032 ms), a cost of the
 * benchmark's order, not of the feature; now that off and the twin write too, both databases
 * still start each workload clean. Autovacuum would not come by: the churn is far below its
 * threshold.
 */
async function vacuumDatabases() {
  await sql(url, 'vacuum');
  if (systems.some(onCopy)) await sql(offUrl, 'vacuum');
}

/**
 * The workloads in the order they are measured, in groups whose turns go round together. W6
 * goes with W2: W6 ÷ W2 is the one ratio the bench takes between workloads, and measured one
 * after the other, minutes apart, it read the machine's drift as much as the auditor's cost
 * (the floor's W6 ÷ W2 read 0.63 in a full run and 0.90 in a run of W2 and W6 alone,
 * docs/performance.md). Side by side, each W6 turn has W2's of the same round next to it.
 * @param {string[]} list the workloads asked for
 * @returns {string[][]}
 */
function measuredTogether(list) {
  const together = list.includes('W2') && list.includes('W6');
  return list
    .filter((w) => !(together && w === 'W6'))
    .map((w) => (together && w === 'W2' ? ['W2', 'W6'] : [w]));
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
/** How long the requests a turn leaves in flight get to finish before the next turn starts. */
const SETTLE_MS = 300;
/** The p-th percentile of sorted numbers (as load.mjs computes it), or null for none. */
const percentile = (sorted, p) =>
  sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

const summary = await prepare();
if (systems.some(onCopy)) await prepareCopy();
const readerUrl = await prepareRls();
for (const db of [url, offUrl])
  await sql(db, 'create extension if not exists pg_stat_statements').catch(() => {});
const ids = await sample();
const { signToken } = await dist('auth/token.service.js');
const { toGlobalId } = await dist('graphql/global-id.js');
const tokenFor = (scopes) =>
  signToken(
    { secret: SECRET },
    { sub: toGlobalId('User', ids.rowIds.find(([t]) => t === 'User')[1]), scopes, ttl: '2h' },
  );
const tokens = { W5: await tokenFor(['content:moderate']), W6: await tokenFor(['audit:read']) };

const workloads = opt.workloads.split(',');
// BENCH_PORT moves the systems off the default range (another benchmark may be running).
const basePort = Number(process.env.BENCH_PORT ?? 4600);
/** Starts every system, each on its own port (the same ports every run). */
async function startSystems() {
  const started = [];
  for (const [i, system] of systems.entries())
    started.push(await startSystem(system, basePort + i, readerUrl));
  return started;
}
/** Each system's highest peak RSS over the processes it ran in (MB). */
const peakRss = new Map();
/** Stops every system and waits for its process to exit (its port is free again). */
async function stopSystems(list) {
  await Promise.all(
    list.map(async ({ system, child }) => {
      // A child stopped by a signal has no exit code, only a signal code.
      if (child.exitCode !== null || child.signalCode !== null) return;
      peakRss.set(system, Math.max(peakRss.get(system) ?? 0, peakRssMb(child.pid)));
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGTERM');
      await exited;
    }),
  );
}
let servers = [];
try {
  servers = await startSystems();

  log('Checking that the systems return the same data…');
  for (const workload of ['W1', 'W2', 'W3', 'W6']) {
    const answers = [];
    for (const server of servers) {
      const list = bodies(workload, server.system, ids);
      if (!list || historyOnly(workload, server.system)) continue;
      const response = await fetch(server.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(tokens[workload] ? { authorization: `Bearer ${tokens[workload]}` } : {}),
        },
        body: list[0],
      });
      answers.push([server.system, JSON.stringify(essence(workload, server.system, await response.json()))]);
    }
    const [first] = answers;
    for (const [system, answer] of answers) {
      if (answer !== first[1])
        throw new Error(
          `${workload}: ${system} answers differently from ${first[0]}:\n${answer.slice(0, 500)}\nvs\n${first[1].slice(0, 500)}`,
        );
    }
    log(`  ${workload}: ${answers.map(([s]) => s).join(', ')} agree`);
  }

  // Rows each request returns (nodes of every list, nested ones included), from one answer per
  // workload: what a request's cost should grow with, rather than the rows stored.
  const rows = {};
  for (const workload of workloads) {
    for (const server of servers) {
      const list = bodies(workload, server.system, ids);
      if (!list || workload === 'W5') continue;
      const response = await fetch(server.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(tokens[workload] ? { authorization: `Bearer ${tokens[workload]}` } : {}),
        },
        body: list[0],
      });
      rows[`${server.system} ${workload}`] = rowsReturned(await response.json());
    }
  }

  const results = {};
  const slices = Math.max(1, Number(opt.slices));
  const sliceSeconds = Number(opt.duration) / slices;
  for (let run = 1; run <= Number(opt.runs); run++) {
    // Every run starts every system afresh, so that the runs are independent samples of what is
    // fixed for a process's life: how V8 optimised it (from the requests it saw first), where
    // its memory lies, which connections its pool holds. With one process per system for all
    // three runs, that draw was shared by the runs and the median could not average it out:
    // ours ÷ off on W1 read 1.01, 0.98, 0.94 and 0.96 in four invocations of the same code (W1
    // and W3, three runs each), whose pooled 90% intervals did not all overlap (0.97–1.03 and
    // 0.91–0.97), while the turns within one invocation agreed far more closely.
    if (run > 1) {
      await stopSystems(servers);
      servers = await startSystems();
    }
    // Every system first gets every workload once, untimed: the run would otherwise measure a
    // cold process (V8 still optimising, pool connections opening, statements being prepared),
    // which its own 3 s warm-up does not cover (ours' first W3 run came out 20–45% below its next).
    log(`Run ${run}: warming up every system on every workload…`);
    for (const workload of workloads)
      for (const server of servers) {
        const list = bodies(workload, server.system, ids);
        if (list) load(server, list, tokens[workload], Number(opt.warmup));
      }
    for (const group of measuredTogether(workloads)) {
      await vacuumDatabases();
      // A turn is one system's on one workload of the group: W2's and W6's go round together.
      const active = group.flatMap((workload) =>
        servers
          .map((server) => ({ server, workload, list: bodies(workload, server.system, ids) }))
          .filter(({ list }) => list),
      );
      // The warm-up goes round in one-second turns too: one system's whole warm-up after
      // another's would leave the first idle for the others' (see below).
      // Its rounds are the ones just before the run's first timed round, so that the turn
      // before each timed one is where the blocks put it, the first timed turn's included.
      const first = (run - 1) * slices;
      const warmup = Number(opt.warmup);
      for (let turn = 0; turn < warmup; turn++)
        for (const { server, workload, list } of roundOrder(active, first - warmup + turn))
          load(server, list, tokens[workload], 1);
      // The systems take turns in slices and each one's figures add up its slices: this machine's
      // speed swings by 10–50% within seconds, and systems measured one after another for 10 s
      // each were compared at different speeds (a run's ratio moved by more than the differences
      // it was to show). Turns of a second give every system the same mix of fast and slow
      // moments: ours ÷ off on W1 per run went from 0.87–0.96 with 2 s turns to 0.96–1.02 with
      // 1 s turns, the same code (one run each).
      // The order changes every round (turn-order.mjs), so that every system follows every other
      // equally often, the step from one round into the next included: a system is slower in the
      // turn right after PostGraphile's, whichever it is (W1, ours ÷ off in turns of a fixed
      // order: 0.945 with ours after PostGraphile, 1.015 with off after it; ours' and off's CPU
      // per request rose 4–6% in that slot). Going round and back (A B C D … D C B A) gave each
      // system only its two neighbours in the list: on W1 ours followed PostGraphile in half its
      // turns and off never did, and ours ÷ off read 3–4% lower in the runs that went forward
      // first, twin ÷ off as well (docs/performance.md). The blocks continue from run to run:
      // the three runs' 30 rounds are whole blocks for two, three and four turns a round, 7.5 of
      // the four-round blocks for five, and 3.75 of the eight-round blocks for W2's and W6's
      // nine; a single run's 10 rounds are not whole blocks for four turns or more, so a per-run
      // ratio keeps some of the neighbours' effect and the pooled one least.
      // A turn waits at most 2n − 3 turns for its next one (about 20 s with nine): every pool
      // keeps idle connections for 60 s, so none closes between turns (a new PostgreSQL session
      // costs about 23 ms to open and 40 ms more on its first request).
      const sums = new Map(
        active.map((turn) => [
          turn,
          {
            cpu: 0,
            pgCpu: 0,
            pgCounted: true,
            calls: 0,
            ms: 0,
            counted: true,
            errors: 0,
            latencies: [],
            turns: [],
          },
        ]),
      );
      for (let slice = 0; slice < slices; slice++) {
        for (const turn of roundOrder(active, first + slice)) {
          const { server, workload, list } = turn;
          const sum = sums.get(turn);
          const database = onCopy(server.system) ? offUrl : url;
          const calls = await statements(database);
          const pgBefore = await postgresCpu();
          const cpu = cpuSeconds(server.child.pid);
          const r = load(server, list, tokens[workload], sliceSeconds, undefined, true);
          sum.cpu += cpuSeconds(server.child.pid) - cpu;
          const pgSpent = postgresCpuSpent(pgBefore, await postgresCpu());
          if (pgSpent === null) sum.pgCounted = false;
          else sum.pgCpu += pgSpent;
          const after = await statements(database);
          if (calls === null || after === null) sum.counted = false;
          else {
            sum.calls += after.calls - calls.calls;
            sum.ms += after.ms - calls.ms;
          }
          sum.errors += r.errors;
          sum.turns.push({ requests: r.requests, seconds: r.seconds });
          for (const ms of r.latencies) sum.latencies.push(ms);
          // A turn ends with up to 16 requests in flight, which their client abandons: PostGraphile
          // finishes them, ours stops at the disconnect. Their work must not land in the next
          // system's turn (its CPU, its statements on the shared database), so it drains first.
          await sleep(SETTLE_MS);
        }
      }
      for (const turn of active) {
        const { server, workload } = turn;
        const sum = sums.get(turn);
        // A system's figures for the run are its turns added up.
        const total = (field) => sum.turns.reduce((n, one) => n + one[field], 0);
        const requests = Math.max(1, total('requests'));
        const latencies = sum.latencies.sort((a, b) => a - b);
        const r = {
          requests: total('requests'),
          rps: total('requests') / total('seconds'),
          latency: {
            p50: percentile(latencies, 50),
            p95: percentile(latencies, 95),
            p99: percentile(latencies, 99),
          },
          errors: sum.errors,
          cpuMsPerRequest: (sum.cpu / requests) * 1000,
          pgCpuMsPerRequest: sum.pgCounted ? (sum.pgCpu / requests) * 1000 : null,
          statementsPerRequest: sum.counted ? sum.calls / requests : null,
          dbMsPerRequest: sum.counted ? sum.ms / requests : null,
          turns: sum.turns,
        };
        const key = `${server.system} ${workload}`;
        results[key] ??= [];
        results[key].push(r);
        log(
          `  run ${run} ${key.padEnd(18)} ${r.rps.toFixed(0).padStart(6)} req/s  p50 ${r.latency.p50} ms  errors ${r.errors}`,
        );
      }
    }
  }

  if (fixedRate > 0) log(`Latency at a fixed rate (${fixedRate * 100}% of the median capacity)…`);
  const report = {
    machine: { cpus: cpus().length, model: cpus()[0]?.model, memoryGb: Math.round(totalmem() / 2 ** 30) },
    options: opt,
    data: summary,
    rows: [],
  };
  let vacuumedFor = null;
  for (const [key, runs] of Object.entries(results)) {
    const [system, workload] = key.split(' ');
    if (fixedRate > 0 && workload !== vacuumedFor) {
      await vacuumDatabases();
      vacuumedFor = workload;
    }
    const server = servers.find((s) => s.system === system);
    const rps = median(runs.map((r) => r.rps));
    const rate = Math.max(1, Math.round(rps * fixedRate));
    const fixed =
      fixedRate > 0
        ? load(server, bodies(workload, system, ids), tokens[workload], Number(opt.duration), rate)
        : null;
    report.rows.push({
      system,
      workload,
      rps,
      rpsPerRun: runs.map((r) => r.rps),
      // Each turn's requests and seconds, run by run, for the pooled ratios and their intervals.
      turnsPerRun: runs.map((r) => r.turns),
      p50: median(runs.map((r) => r.latency.p50)),
      p95: median(runs.map((r) => r.latency.p95)),
      p99: median(runs.map((r) => r.latency.p99)),
      errors: runs.reduce((sum, r) => sum + r.errors, 0),
      cpuMsPerRequest: median(runs.map((r) => r.cpuMsPerRequest)),
      // PostgreSQL's CPU per request (its client backends, see postgresCpu), null when unread.
      pgCpuMsPerRequest: runs.some((r) => r.pgCpuMsPerRequest === null)
        ? null
        : median(runs.map((r) => r.pgCpuMsPerRequest)),
      statementsPerRequest:
        runs[0].statementsPerRequest === null ? null : median(runs.map((r) => r.statementsPerRequest)),
      // PostgreSQL's execution time per request (pg_stat_statements): the database's side of the
      // cost, which the server's CPU time does not see (e.g. scanning past tombstones).
      dbMsPerRequest: runs[0].dbMsPerRequest === null ? null : median(runs.map((r) => r.dbMsPerRequest)),
      rowsPerRequest: rows[key] ?? null,
      fixedRate: fixed && { rate, p50: fixed.latency.p50, p95: fixed.latency.p95, p99: fixed.latency.p99 },
      peakRssMb: 0,
    });
  }
  await stopSystems(servers);
  for (const row of report.rows) row.peakRssMb = Math.round(peakRss.get(row.system) ?? 0);
  // A ratio pairs each run of one system with the same run of the other: within a run the systems
  // take turns every second, while this machine's speed drifts between runs (10–50%), so
  // the median of the per-run ratios is the steadier figure; the per-run ratios are kept with it.
  const ratio = (a, b, workload, over = workload) => {
    if (historyOnly(workload, a) || historyOnly(over, b)) return null;
    const x = report.rows.find((r) => r.system === a && r.workload === workload);
    const y = report.rows.find((r) => r.system === b && r.workload === over);
    if (!x || !y) return null;
    const perRun = x.rpsPerRun.map((rps, i) => Number((rps / y.rpsPerRun[i]).toFixed(2)));
    // Every turn with the other system's turn of the same slice and run (see spread.mjs).
    const pairs = x.turnsPerRun.flatMap((turns, run) =>
      turns.map((a, slice) => ({ a, b: y.turnsPerRun[run][slice] })),
    );
    const pooled = pairedRatio(pairs);
    const round = (v) => Number(v.toFixed(3));
    return {
      median: median(perRun),
      perRun,
      pooled: pooled && { ratio: round(pooled.ratio), low: round(pooled.low), high: round(pooled.high) },
    };
  };
  report.ratios = Object.fromEntries(
    workloads.map((w) => [
      w,
      {
        oursOverOff: ratio('ours', 'off', w),
        twinOverOff: ratio('twin', 'off', w),
        oursOverPostgraphile: ratio('ours', 'postgraphile', w),
        oursOverHandwritten: ratio('ours', 'handwritten', w),
      },
    ]),
  );
  // An auditor's W6 against W2 on the same system, with the rows each returns: W6 returns the
  // tombstones too, so the floor (hand-written) shows what those rows cost any server.
  report.auditorOverLive = Object.fromEntries(
    systems
      .map((system) => [system, ratio(system, system, 'W6', 'W2')])
      .filter(([, r]) => r)
      .map(([system, r]) => [
        system,
        { ...r, rows: ['W6', 'W2'].map((w) => rows[`${system} ${w}`] ?? null) },
      ]),
  );
  const out = resolve(opt.out);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(`${out}.json`, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(`${out}.md`, markdown(report));
  process.stdout.write(markdown(report));
} finally {
  await stopSystems(servers);
  await stopDatabase();
}

/** A ratio as a table cell: its median, then each run's. */
function ratioCell(ratio) {
  return ratio ? `${ratio.median.toFixed(2)} (${ratio.perRun.map((x) => x.toFixed(2)).join(', ')})` : 'n/a';
}

/**
 * The ratios' table, one row per workload, each ratio written by `cell`; with the A/A control
 * (twin ÷ off) in a last column when the run had a twin.
 */
function ratioTable(ratios, cell) {
  const control = Object.values(ratios).some((r) => r.twinOverOff);
  return [
    `| workload | ours ÷ feature-off | ours ÷ PostGraphile | ours ÷ hand-written |${control ? ' twin ÷ feature-off (A/A) |' : ''}`,
    `| --- | ---: | ---: | ---: |${control ? ' ---: |' : ''}`,
    ...Object.entries(ratios).map(
      ([w, r]) =>
        `| ${w} | ${cell(r.oursOverOff)} | ${cell(r.oursOverPostgraphile)} | ${cell(r.oursOverHandwritten)} |${control ? ` ${cell(r.twinOverOff)} |` : ''}`,
    ),
  ];
}

/** A pooled ratio as a table cell: over every turn, then its 90% interval. */
function pooledCell(ratio) {
  const p = ratio?.pooled;
  return p ? `${p.ratio.toFixed(2)} (${p.low.toFixed(2)}–${p.high.toFixed(2)})` : 'n/a';
}

function markdown(report) {
  const f = (x, d = 0) => (x === null || x === undefined ? 'n/a' : Number(x).toFixed(d));
  const lines = [
    `Machine: ${report.machine.cpus} × ${report.machine.model}, ${report.machine.memoryGb} GiB. Data: ${JSON.stringify(report.data.counts)}, tombstoned ${JSON.stringify(report.data.tombstoned)}.`,
    `Options: ${report.options.connections} connections, ${report.options.duration} s per run in ${report.options.slices} turns after ${report.options.warmup} s warm-up, ${report.options.runs} interleaved runs (medians).`,
    '',
    '| system | workload | req/s | p50 ms | p95 ms | p99 ms | errors | server CPU ms/req | PostgreSQL CPU ms/req | SQL/req | p50 / p95 / p99 at 80% rate | peak RSS MB |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |',
    ...report.rows.map(
      (r) =>
        `| ${r.system} | ${r.workload} | ${f(r.rps)} | ${f(r.p50)} | ${f(r.p95)} | ${f(r.p99)} | ${r.errors} | ${f(r.cpuMsPerRequest, 2)} | ${f(r.pgCpuMsPerRequest, 2)} | ${f(r.statementsPerRequest, 1)} | ${r.fixedRate ? `${f(r.fixedRate.p50)} / ${f(r.fixedRate.p95)} / ${f(r.fixedRate.p99)} ms @ ${r.fixedRate.rate}/s` : 'skipped'} | ${r.peakRssMb} |`,
    ),
    '',
    'Ratios of req/s: the median of the per-run ratios (each run compares the systems back to back), per-run ratios in parentheses.',
    '',
    ...ratioTable(report.ratios, ratioCell),
    '',
    "The same ratios pooled over every turn (each turn paired with the other system's turn next to it), with a 90% bootstrap interval over those pairs (bench/spread.mjs): an interval that holds 1.00 shows no difference this machine can tell apart.",
    '',
    ...ratioTable(report.ratios, pooledCell),
    '',
    ...(Object.keys(report.auditorOverLive ?? {}).length > 0
      ? [
          'W6 ÷ W2 on the same system (req/s, median of per-run ratios), and the rows each returns:',
          '',
          '| system | W6 ÷ W2 | pooled | rows W6 / W2 | rows per second, W6 ÷ W2 |',
          '| --- | ---: | ---: | ---: | ---: |',
          ...Object.entries(report.auditorOverLive).map(
            ([system, r]) =>
              `| ${system} | ${ratioCell(r)} | ${pooledCell(r)} | ${r.rows.join(' / ')} | ${r.rows.includes(null) ? 'n/a' : ((r.median * r.rows[0]) / r.rows[1]).toFixed(2)} |`,
          ),
          '',
        ]
      : []),
  ];
  return `${lines.join('\n')}\n`;
}
