// The benchmark scripts' PostgreSQL: the server at DATABASE_URL, or an embedded one in
// bench/.data/pg (kept between runs), and a one-statement helper for setup and checks.
import pg from 'pg';

const dist = (path) => import(new URL(`../dist/${path}`, import.meta.url).href);

/**
 * glibc's malloc thresholds, fixed for the embedded server's processes. By default malloc serves
 * a block of 128 kB or more from a fresh `mmap` and unmaps it at `free`, until a larger block
 * freed raises the threshold for the process's life: a backend's cost then depends on what it
 * ran before. On a fresh backend W2's comments page mapped, faulted in (22 minor faults) and
 * unmapped its largest block at every execution, 0.57–0.68 ms of kernel time against 0.06–0.09
 * once a search had raised the threshold (docs/performance.md, "The price on W2"). Which of a
 * system's backends had run what decided part of its figures; with the thresholds fixed, every
 * backend allocates alike from its first statement.
 */
const MALLOC = 'glibc.malloc.mmap_threshold=8388608:glibc.malloc.trim_threshold=16777216';

/**
 * Opens the admin connection URL the scripts create their databases on.
 * @param settings extra server settings for an embedded server (ignored with DATABASE_URL)
 * @returns `{ adminUrl, stop }`; `stop` stops an embedded server and does nothing otherwise
 */
export async function openBenchServer(settings = {}) {
  if (process.env.DATABASE_URL) return { adminUrl: process.env.DATABASE_URL, stop: async () => {} };
  const { startEmbeddedPostgres } = await dist('db/embedded-postgres.js');
  const db = await startEmbeddedPostgres({
    dataDir: new URL('.data/pg', import.meta.url).pathname,
    settings: { max_connections: '200', ...settings },
    env: { GLIBC_TUNABLES: MALLOC },
  });
  return { adminUrl: db.url, stop: db.stop };
}

/** Runs one statement on its own connection and returns its rows. */
export async function sql(target, text, params) {
  const client = new pg.Client({ connectionString: target });
  await client.connect();
  try {
    return (await client.query(text, params)).rows;
  } finally {
    await client.end();
  }
}
