import { type ChildProcess, spawn } from 'node:child_process';

/** How to run one PostgreSQL server process; see {@link startPostmaster}. */
export interface PostmasterOptions {
  /** Path of the `postgres` binary. */
  binary: string;
  /** An initialised data directory. */
  dataDir: string;
  port: number;
  /** Extra command-line arguments, e.g. `['-c', 'listen_addresses=127.0.0.1']`. */
  args: string[];
  /** Extra environment variables for the server process, on top of this process's own. */
  env?: Record<string, string>;
  /** Run as this user and group (PostgreSQL refuses to run as root). */
  uid?: number;
  gid?: number;
  /** Receives the server's log output. */
  log: (line: string) => void;
  /**
   * How long {@link Postmaster.stop} waits for a fast shutdown before it asks for an immediate one.
   * @default 30000
   */
  stopTimeoutMs?: number;
}

/** A running PostgreSQL server that only its owner stops. */
export interface Postmaster {
  pid: number;
  /** Fast shutdown (sessions are ended, data is flushed), awaited. Safe to call twice. */
  stop(): Promise<void>;
}

/** Printed by PostgreSQL (lc_messages is English: initdb was told so) once it accepts connections. */
const READY = 'database system is ready to accept connections';

/**
 * Starts `postgres` as a child in its own process group and resolves once it accepts connections.
 *
 * The own process group is the point: a terminal's Ctrl-C and a supervisor that signals our group
 * would otherwise reach PostgreSQL directly and stop it while the server is still draining
 * requests. PostgreSQL stops when {@link Postmaster.stop} says so, or, as a last resort, when this
 * process exits without having stopped it (a crash), so that no orphan keeps the data directory.
 *
 * @example
 * const pg = await startPostmaster({ binary, dataDir, port: 5433, args: [], log: console.log });
 * await pg.stop();
 */
export async function startPostmaster(options: PostmasterOptions): Promise<Postmaster> {
  const child = spawn(options.binary, ['-D', options.dataDir, '-p', String(options.port), ...options.args], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    uid: options.uid,
    gid: options.gid,
    env: { ...process.env, ...options.env, LC_MESSAGES: 'C' },
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Last resort only: a normal shutdown stops the server (and removes this listener) before exit.
  const killOnExit = () => child.kill('SIGINT');
  process.on('exit', killOnExit);
  try {
    await waitUntilReady(child, options.log);
  } catch (error) {
    child.kill('SIGINT');
    await exited;
    process.off('exit', killOnExit);
    throw error;
  }
  child.stdout?.on('data', (chunk: Buffer) => options.log(chunk.toString('utf8').trimEnd()));

  let stopping: Promise<void> | undefined;
  return {
    pid: child.pid as number,
    stop: () => {
      stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGINT');
          const timer = setTimeout(() => child.kill('SIGQUIT'), options.stopTimeoutMs ?? 30_000);
          await exited;
          clearTimeout(timer);
        }
        process.off('exit', killOnExit);
      })();
      return stopping;
    },
  };
}

function waitUntilReady(child: ChildProcess, log: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    let ready = false;
    child.stderr?.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      log(text.trimEnd());
      if (ready) return;
      // Keep only a tail to search, as the message may straddle two chunks.
      output = (output + text).slice(-4_096);
      if (output.includes(READY)) {
        ready = true;
        resolve();
      }
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (ready) return;
      reject(new Error(`postgres exited before it was ready (code ${code}, signal ${signal}):\n${output}`));
    });
  });
}
