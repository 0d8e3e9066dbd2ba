// `npm run bench:growth`: how a request's cost grows. Runs bench/run.mjs once per cell of
// scale × tombstone share (each its own seeded database, reused afterwards) on a small fixed set
// of workloads (W1 feed, W2 nested, W3 node, and page-size sweeps F10/F50/F100 and N5/N10/N40),
// short runs, no fixed-rate pass, and writes per-request cost (server CPU ms, SQL statements,
// req/s, p50) per cell to bench/results/growth.{json,md}. Cells already in growth.json and not
// run again are kept, each marked with the commit it was measured at. Options: --scales 0.1,1,3
// --tombstone-shares 0,0.3,0.9 --systems ours,off --workloads W1,W2,W3,F10,F50,F100,N5,N10,N40
// --duration 5 --warmup 2 --connections 4 --runs 1 --seed 42 --out bench/results/growth.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values: opt } = parseArgs({
  options: {
    scales: { type: 'string', default: '0.1,1,3' },
    'tombstone-shares': { type: 'string', default: '0,0.3,0.9' },
    systems: { type: 'string', default: 'ours,off' },
    workloads: { type: 'string', default: 'W1,W2,W3,F10,F50,F100,N5,N10,N40' },
    duration: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '2' },
    connections: { type: 'string', default: '4' },
    runs: { type: 'string', default: '1' },
    seed: { type: 'string', default: '42' },
    out: { type: 'string', default: new URL('results/growth', import.meta.url).pathname },
  },
});
const log = (line) => process.stderr.write(`${line}\n`);
const list = (text) => text.split(',').map((x) => x.trim());
const here = (path) => new URL(path, import.meta.url).pathname;
const out = resolve(opt.out);

let commit = 'unknown';
try {
  const head = String(execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: here('.') })).trim();
  const dirty = String(
    execFileSync('git', ['status', '--porcelain', '--', '../src'], { cwd: here('.') }),
  ).trim();
  commit = dirty ? `${head}+dirty` : head;
} catch {
  // Not a git checkout: the figures are still worth writing.
}

const study = existsSync(`${out}.json`) ? JSON.parse(readFileSync(`${out}.json`, 'utf8')) : { cells: [] };
const began = Date.now();
for (const scale of list(opt.scales)) {
  for (const share of list(opt['tombstone-shares'])) {
    const file = join(tmpdir(), `tombstone-growth-${process.pid}-s${scale}-t${share}`);
    log(`\n== scale ${scale}, tombstones ${share} ==`);
    const started = Date.now();
    const args = [
      here('run.mjs'),
      ...['--scale', scale, '--tombstones', share, '--seed', opt.seed],
      ...['--systems', opt.systems, '--workloads', opt.workloads, '--runs', opt.runs],
      ...['--duration', opt.duration, '--warmup', opt.warmup, '--connections', opt.connections],
      ...['--fixed-rate', '0', '--out', file],
    ];
    const child = spawnSync(process.execPath, args, {
      cwd: here('..'),
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const cell = {
      scale: Number(scale),
      tombstones: Number(share),
      commit,
      wallSeconds: Math.round((Date.now() - started) / 1000),
    };
    if (child.status === 0) {
      const report = JSON.parse(readFileSync(`${file}.json`, 'utf8'));
      rmSync(`${file}.json`);
      rmSync(`${file}.md`);
      Object.assign(cell, { options: report.options, data: report.data, rows: report.rows });
    } else {
      log(`scale ${scale}, tombstones ${share}: bench/run.mjs exited with ${child.status}`);
      cell.failed = child.status ?? child.signal;
    }
    study.cells = study.cells.filter((c) => !(c.scale === cell.scale && c.tombstones === cell.tombstones));
    study.cells.push(cell);
    study.cells.sort((a, b) => a.scale - b.scale || a.tombstones - b.tombstones);
    // Written after every cell, so an interrupted study keeps what it measured.
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(`${out}.json`, `${JSON.stringify(study, null, 2)}\n`);
    writeFileSync(`${out}.md`, markdown(study));
  }
}
log(`Study done in ${Math.round((Date.now() - began) / 60_000)} min.`);
process.stdout.write(markdown(study));

/** The study as markdown: the data of each cell, then one table per measure, cells as columns. */
function markdown({ cells }) {
  const measured = cells.filter((c) => !c.failed);
  const f = (x, d) => (x === null || x === undefined ? 'n/a' : Number(x).toFixed(d));
  const pct = (x) => (x === undefined ? '?' : `${Math.round(x * 100)}%`);
  const head = (c) => `s${c.scale} t${c.tombstones}`;
  const lines = [
    '| scale | tombstones (target) | users / posts / comments | tombstoned users / posts / comments | seeding s (inserts + tombstones) | commit |',
    '| ---: | ---: | --- | --- | --- | --- |',
    ...cells.map((c) => {
      if (c.failed) return `| ${c.scale} | ${c.tombstones} | failed (${c.failed}) | | | ${c.commit} |`;
      const { counts, tombstoned: t, seconds, insertSeconds, tombstoneSeconds } = c.data;
      return `| ${c.scale} | ${c.tombstones} | ${counts.users} / ${counts.posts} / ${counts.comments} | ${pct(t.users)} / ${pct(t.post)} / ${pct(t.comment)} | ${seconds} (${insertSeconds} + ${tombstoneSeconds}) | ${c.commit} |`;
    }),
    '',
  ];
  if (measured.length === 0) return `${lines.join('\n')}\n`;
  const systems = list(opt.systems);
  const workloads = [];
  for (const c of measured)
    for (const r of c.rows) if (!workloads.includes(r.workload)) workloads.push(r.workload);
  const measures = [
    ['Server CPU ms per request', (r) => f(r.cpuMsPerRequest, 2)],
    ['PostgreSQL execution ms per request (pg_stat_statements)', (r) => f(r.dbMsPerRequest, 2)],
    ['SQL statements per request', (r) => f(r.statementsPerRequest, 1)],
    ['Requests per second', (r) => f(r.rps, 0)],
    ['p50 latency, ms', (r) => f(r.p50, 0)],
    ['Rows returned per request', (r) => f(r.rowsPerRequest, 0)],
  ];
  const options = measured[0].options;
  const errors = measured.flatMap((c) => c.rows).reduce((n, r) => n + r.errors, 0);
  lines.push(
    `${options.connections} connections, ${options.duration} s per run after ${options.warmup} s warm-up, ${options.runs} run(s), ${errors} errors. Cells: scale s, tombstone share t; each value is ${systems.join(' / ')}; rows = rows a request returns (nested lists included).`,
    '',
  );
  for (const [title, cellOf] of measures) {
    lines.push(
      `${title}:`,
      '',
      `| workload | rows | ${measured.map(head).join(' | ')} |`,
      `| --- | ---: | ${measured.map(() => '---:').join(' | ')} |`,
      ...workloads.map((workload) => {
        const rowsOf = (c) => c.rows.find((r) => r.workload === workload)?.rowsPerRequest;
        const counts = [...new Set(measured.map(rowsOf).filter((n) => n !== undefined && n !== null))];
        const values = measured.map((c) =>
          systems
            .map((system) => {
              const row = c.rows.find((r) => r.system === system && r.workload === workload);
              return row ? cellOf(row) : 'n/a';
            })
            .join(' / '),
        );
        const rows = counts.length > 1 ? `${Math.min(...counts)}–${Math.max(...counts)}` : (counts[0] ?? '?');
        return `| ${workload} | ${rows} | ${values.join(' | ')} |`;
      }),
      '',
    );
  }
  return `${lines.join('\n')}\n`;
}
