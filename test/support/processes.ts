import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import pg from 'pg';

/** A server process the test started, and what it printed. */
export interface ServerProcess {
  child: ChildProcess;
  /** stdout and stderr so far, for assertions and failure messages. */
  output(): string;
  /** Resolves with the exit code (or the signal's name) once the process has exited. */
  exited: Promise<number | string>;
}

/** Compiles the server into dist/ once per test file (the compiler takes about a second). */
export function buildServer(): void {
  execFileSync('node_modules/.bin/tsc', ['-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}

/**
 * Starts `command` in its own process group (so a test can signal the group, as a terminal or a
 * supervisor does, and clean up all of it) and collects its output.
 */
export function spawnServer(command: string, args: string[], env: NodeJS.ProcessEnv): ServerProcess {
  const child = spawn(command, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  return { child, output: () => output, exited };
}

/** Waits for the server's "ready at <url>" line and returns the GraphQL URL. */
export async function readyUrl(server: ServerProcess, timeoutMs = 90_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const match = /ready at (http:\/\/\S+\/graphql)/.exec(server.output());
    if (match) return (match[1] as string).replace('localhost', '127.0.0.1');
    if (server.child.exitCode !== null) break;
    await sleep(100);
  }
  throw new Error(`The server did not become ready:\n${server.output()}`);
}

/** Sends SIGKILL to a process group that a failed test may have left behind. */
export function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** The postmaster's pid and port, from the `postmaster.pid` file of a running cluster. */
export function postmasterOf(pgDataDir: string): { pid: number; port: number } {
  const lines = readFileSync(`${pgDataDir}/postmaster.pid`, 'utf8').split('\n');
  return { pid: Number(lines[0]), port: Number(lines[3]) };
}

/** The postmaster and every process it started (backends, checkpointer, …). */
export function clusterPids(postmasterPid: number): number[] {
  const children = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => processStat(pid)?.ppid === postmasterPid);
  return [postmasterPid, ...children];
}

/** Every process below `pid` in the process tree, depth first. */
export function descendants(pid: number): number[] {
  const all = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
  const below = (parent: number): number[] =>
    all.filter((p) => processStat(p)?.ppid === parent).flatMap((child) => [child, ...below(child)]);
  return below(pid);
}

/** True while `pid` runs (a zombie, exited but not yet reaped, counts as gone). */
export function isRunning(pid: number): boolean {
  const stat = processStat(pid);
  return stat !== undefined && stat.state !== 'Z';
}

/** The command line of a process, or '' when it is gone. */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

/** True when something accepts TCP connections on 127.0.0.1:`port`. */
export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** How one HTTP exchange ended, as the client saw it. */
export type Outcome =
  | { kind: 'complete'; status: number; body: string }
  | { kind: 'refused'; error: string }
  | { kind: 'broken'; error: string; status?: number };

/**
 * POSTs `body` on a connection of its own (no keep-alive pool) and reports whether the client got
 * a whole response, no response at all (refused), or a response cut short (broken).
 */
export function post(url: string, body: string, headers: Record<string, string> = {}): Promise<Outcome> {
  return new Promise((resolve) => {
    const req = request(url, {
      method: 'POST',
      agent: false,
      headers: { 'content-type': 'application/json', ...headers },
    });
    req.once('error', (error) => resolve({ kind: 'refused', error: String(error) }));
    req.once('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.once('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (res.complete) resolve({ kind: 'complete', status: res.statusCode ?? 0, body: text });
        else resolve({ kind: 'broken', error: 'response cut short', status: res.statusCode });
      });
      res.once('error', (error) => resolve({ kind: 'broken', error: String(error), status: res.statusCode }));
      res.once('aborted', () => resolve({ kind: 'broken', error: 'aborted', status: res.statusCode }));
    });
    req.end(body);
  });
}

/**
 * Sessions waiting on a lock in the database at `url`. Asked on a connection of its own: inside
 * the lock holder's transaction, pg_stat_activity would keep answering from its first snapshot.
 */
export async function sessionsWaitingOnLocks(url: string): Promise<number> {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    const { rows } = await db.query(
      `select count(*)::int as n from pg_stat_activity
        where datname = current_database() and wait_event_type = 'Lock'`,
    );
    return rows[0].n;
  } finally {
    await db.end();
  }
}

/**
 * Sessions ever opened on `client`'s database (`pg_stat_database.sessions`: regular client
 * sessions only), read afresh even inside a transaction, which would otherwise keep answering
 * from its first statistics snapshot.
 */
export async function sessionsOpened(client: pg.Client): Promise<number> {
  await client.query('select pg_stat_clear_snapshot()');
  const { rows } = await client.query<{ n: string }>(
    'select sessions as n from pg_stat_database where datname = current_database()',
  );
  return Number(rows[0]?.n);
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `condition` every 50 ms until it holds, or throws after `timeoutMs`. */
export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
    await sleep(50);
  }
}

function processStat(pid: number): { ppid: number; state: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces; the fields after its closing paren do not.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] as string, ppid: Number(fields[1]) };
  } catch {
    return undefined;
  }
}
