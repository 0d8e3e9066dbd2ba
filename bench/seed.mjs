// Benchmark data, deterministic from a seed: users, posts, threaded comments and follows bulk
// loaded with multi-row inserts (unnest), then part of it tombstoned through real deletion batches
// made by the app's own soft-delete toolkit (cascades, batch ids, audit rows): either the default
// mix (15% of users, then 18% of posts, then 2% of comments, cascades on top) or a target share
// per table (`--tombstones 0.3`).
import pg from 'pg';
import { prng } from './random.mjs';

/** Row counts at scale 1. */
export const BASE = { users: 10_000, posts: 100_000, comments: 500_000, follows: 50_000 };
const WORDS = [
  'hello',
  'world',
  'postgres',
  'tombstone',
  'graphql',
  'delete',
  'restore',
  'audit',
  'coffee',
  'morning',
  'music',
  'travel',
  'garden',
  'code',
  'review',
  'release',
  'weekend',
  'photo',
  'story',
  'idea',
];

/** When each label last printed a line, for logs (stderr not a terminal). */
const lastLine = new Map();
/** How often a log gets a progress line. */
const LOG_EVERY_MS = 5_000;

/**
 * A progress bar redrawn in place on a terminal; in a log (stderr redirected) one line when a
 * step starts, then at most one every few seconds, and one when it is done, not one per chunk.
 */
export function progress(label, done, total, stream = process.stderr, now = Date.now()) {
  if (!stream.isTTY) {
    const finished = done >= total;
    if (!finished && lastLine.has(label) && now - lastLine.get(label) < LOG_EVERY_MS) return;
    if (finished) lastLine.delete(label);
    else lastLine.set(label, now);
    stream.write(`  ${label} ${done}/${total}${finished ? ' done' : ''}\n`);
    return;
  }
  const width = 30;
  const filled = Math.round((done / total) * width);
  stream.write(
    `\r  ${label.padEnd(22)} [${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${done}/${total}`,
  );
  if (done >= total) stream.write('\n');
}

async function insertColumns(client, table, columns, rows, label) {
  const chunk = 10_000;
  for (let start = 0; start < rows.length; start += chunk) {
    const slice = rows.slice(start, start + chunk);
    const arrays = columns.map((_, i) => slice.map((row) => row[i]));
    const casts = columns.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ');
    const names = columns.map(([name]) => `"${name}"`).join(', ');
    await client.query(`insert into "${table}" (${names}) select * from unnest(${casts})`, arrays);
    progress(label, Math.min(start + chunk, rows.length), rows.length);
  }
}

/**
 * Fills an empty, migrated database. `softDelete` and `em` come from the app (dist/), so the
 * tombstones are made exactly as the server makes them. `tombstones`: the target share of
 * tombstoned rows per table (0 to 1), or null for the default mix.
 */
export async function seedBenchmark({ url, scale, seed, tombstones = null, orm, softDelete, entities }) {
  const began = Date.now();
  const random = prng(seed);
  const pick = (n) => Math.floor(random() * n);
  const n = Object.fromEntries(Object.entries(BASE).map(([k, v]) => [k, Math.max(2, Math.round(v * scale))]));
  const start = Date.UTC(2026, 0, 1);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const users = Array.from({ length: n.users }, (_, i) => [
      i + 1,
      `user${i + 1}`,
      `user${i + 1}@bench.example`,
      `User ${i + 1}`,
      new Date(start + i * 60_000),
    ]);
    await insertColumns(
      client,
      'users',
      [
        ['id', 'int'],
        ['username', 'text'],
        ['email', 'text'],
        ['display_name', 'text'],
        ['created_at', 'timestamptz'],
      ],
      users,
      'users',
    );

    const words = (k) => Array.from({ length: k }, () => WORDS[pick(WORDS.length)]).join(' ');
    const posts = Array.from({ length: n.posts }, (_, i) => [
      i + 1,
      1 + pick(n.users),
      words(4),
      words(30),
      new Date(start + n.users * 60_000 + i * 10_000),
    ]);
    await insertColumns(
      client,
      'post',
      [
        ['id', 'int'],
        ['author_id', 'int'],
        ['title', 'text'],
        ['body', 'text'],
        ['created_at', 'timestamptz'],
      ],
      posts,
      'posts',
    );

    // Threads: a comment replies to an earlier comment of the same post half of the time.
    const byPost = new Map();
    const comments = Array.from({ length: n.comments }, (_, i) => {
      const post = 1 + pick(n.posts);
      const earlier = byPost.get(post) ?? [];
      const parent = earlier.length > 0 && random() < 0.5 ? earlier[pick(earlier.length)] : null;
      earlier.push(i + 1);
      byPost.set(post, earlier);
      return [
        i + 1,
        post,
        1 + pick(n.users),
        parent,
        words(12),
        new Date(start + (n.users + n.posts) * 60_000 + i * 1_000),
      ];
    });
    await insertColumns(
      client,
      'comment',
      [
        ['id', 'int'],
        ['post_id', 'int'],
        ['author_id', 'int'],
        ['parent_id', 'int'],
        ['body', 'text'],
        ['created_at', 'timestamptz'],
      ],
      comments,
      'comments',
    );

    const seen = new Set();
    const follows = [];
    while (follows.length < Math.min(n.follows, n.users * (n.users - 1))) {
      const a = 1 + pick(n.users);
      const b = 1 + pick(n.users);
      if (a === b || seen.has(`${a}:${b}`)) continue;
      seen.add(`${a}:${b}`);
      follows.push([follows.length + 1, a, b, new Date(start + follows.length * 1_000)]);
    }
    await insertColumns(
      client,
      'follow',
      [
        ['id', 'int'],
        ['follower_id', 'int'],
        ['followee_id', 'int'],
        ['created_at', 'timestamptz'],
      ],
      follows,
      'follows',
    );
    for (const table of ['users', 'post', 'comment', 'follow']) {
      await client.query(
        `select setval(pg_get_serial_sequence('"${table}"', 'id'), (select max(id) from "${table}"))`,
      );
    }

    const insertSeconds = (Date.now() - began) / 1000;
    const deleteRow = async (Entity, id) => {
      const em = orm.em.fork();
      const row = await em.findOne(Entity, id);
      // A row a concurrent batch has just cascaded over is already deleted (NOT_FOUND): skip it.
      if (row) await softDelete.delete(em, row, { actor: '1', reason: 'benchmark' }).catch(() => {});
    };
    const deleteAll = async (label, Entity, ids) => {
      let done = 0;
      const queue = [...ids].reverse();
      const worker = async () => {
        while (queue.length > 0) {
          await deleteRow(Entity, queue.pop());
          progress(label, ++done, ids.length);
        }
      };
      await Promise.all(Array.from({ length: 8 }, worker));
    };
    // [table, entity, key of `n`], in cascade order.
    const rounds = [
      ['users', entities.User, 'users'],
      ['post', entities.Post, 'posts'],
      ['comment', entities.Comment, 'comments'],
    ];
    if (tombstones === null) {
      // The default mix, exactly as it has always been drawn (the same seed gives the same rows):
      // users (cascading to their posts and comments), then posts (cascading to their comments),
      // then comments (cascading to their replies); ids drawn with repeats.
      const mix = [0.15, 0.18, 0.02];
      for (const [i, [, Entity, key]] of rounds.entries()) {
        const total = n[key];
        const targets = [
          ...new Set(Array.from({ length: Math.round(total * mix[i]) }, () => 1 + pick(total))),
        ];
        await deleteAll(`deleting ${key}`, Entity, targets);
      }
    } else {
      // A target share per table: for each table in cascade order, delete random live rows until
      // its share of tombstones reaches the target. Cascades from the tables before may already
      // have taken it past (comments under deleted users and posts): shares are coupled.
      for (const [table, Entity, key] of rounds) {
        const [{ total, dead }] = (
          await client.query(
            `select count(*)::int as total, count(*) filter (where deleted_at is not null)::int as dead from "${table}"`,
          )
        ).rows;
        const wanted = Math.round(total * tombstones) - dead;
        if (wanted <= 0) continue;
        const live = (
          await client.query(`select id from "${table}" where deleted_at is null order by id`)
        ).rows.map((r) => r.id);
        // A seeded Fisher-Yates shuffle, cut at the number wanted: distinct ids, no repeats.
        for (let i = live.length - 1; i > 0; i--) {
          const j = pick(i + 1);
          [live[i], live[j]] = [live[j], live[i]];
        }
        await deleteAll(`deleting ${key}`, Entity, live.slice(0, wanted));
      }
    }
    const tombstoneSeconds = (Date.now() - began) / 1000 - insertSeconds;
    const shares = {};
    for (const table of ['users', 'post', 'comment']) {
      const { rows } = await client.query(
        `select count(*) filter (where deleted_at is not null)::float / count(*) as share from "${table}"`,
      );
      shares[table] = Number(rows[0].share.toFixed(3));
    }
    await client.query('vacuum analyze');
    return {
      counts: n,
      tombstoned: shares,
      tombstoneTarget: tombstones,
      insertSeconds: Math.round(insertSeconds),
      tombstoneSeconds: Math.round(tombstoneSeconds),
    };
  } finally {
    await client.end();
  }
}
