// Benchmark data, deterministic from a seed: users, posts, threaded comments and follows bulk
// loaded with multi-row inserts (unnest), then about 30% of each table tombstoned through real
// deletion batches made by the app's own soft-delete toolkit (cascades, batch ids, audit rows).
import pg from 'pg';

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

/** A small seedable PRNG, so the same seed always gives the same data. */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function progress(label, done, total) {
  const width = 30;
  const filled = Math.round((done / total) * width);
  process.stderr.write(
    `\r  ${label.padEnd(22)} [${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${done}/${total}`,
  );
  if (done >= total) process.stderr.write('\n');
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
 * tombstones are made exactly as the server makes them.
 */
export async function seedBenchmark({ url, scale, seed, orm, softDelete, entities }) {
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

    // Tombstones through real batches: users (cascading to their posts and comments), then
    // posts (cascading to their comments), then comments (cascading to their replies).
    const rounds = [
      ['User', entities.User, 0.15, n.users],
      ['Post', entities.Post, 0.18, n.posts],
      ['Comment', entities.Comment, 0.02, n.comments],
    ];
    for (const [name, Entity, share, total] of rounds) {
      const targets = [...new Set(Array.from({ length: Math.round(total * share) }, () => 1 + pick(total)))];
      let done = 0;
      const worker = async () => {
        while (targets.length > 0) {
          const id = targets.pop();
          const em = orm.em.fork();
          const row = await em.findOne(Entity, id);
          if (row) await softDelete.delete(em, row, { actor: '1', reason: 'benchmark' }).catch(() => {});
          progress(`deleting ${name.toLowerCase()}s`, ++done, done + targets.length);
        }
      };
      await Promise.all(Array.from({ length: 8 }, worker));
    }
    const shares = {};
    for (const table of ['users', 'post', 'comment']) {
      const { rows } = await client.query(
        `select count(*) filter (where deleted_at is not null)::float / count(*) as share from "${table}"`,
      );
      shares[table] = Number(rows[0].share.toFixed(3));
    }
    await client.query('vacuum analyze');
    return { counts: n, tombstoned: shares };
  } finally {
    await client.end();
  }
}
