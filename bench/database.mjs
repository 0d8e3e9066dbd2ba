// The benchmark scripts' PostgreSQL: the server at DATABASE_URL, or an embedded one in
// bench/.data/pg (kept between runs), and a one-statement helper for setup and checks.
import pg from 'pg';

const dist = (path) => import(new URL(`../dist/${path}`, import.meta.url).href);

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
