import { type ChildProcess, spawn } from 'node:child_process';
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fixtures } from './support/fixtures.js';
import { gid } from './support/ids.js';
import { buildServer, killGroup, readyUrl, spawnServer, waitFor } from './support/processes.js';
import { startTestApp, TEST_SECRET, type TestApp, tokenFor } from './support/test-app.js';

// `npm run purge` is a process of its own: it is run here exactly so, from the compiled dist/.
beforeAll(() => buildServer());

let t: TestApp;
let f: ReturnType<typeof fixtures>;
beforeEach(async () => {
  t = await startTestApp();
  f = fixtures(t);
  return () => t.stop();
});

/** A running `node dist/cli/purge.js`, with what it printed so far. */
interface PurgeProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<number | string>;
}

function startPurge(args: string[], env: NodeJS.ProcessEnv = { DATABASE_URL: t.databaseUrl }): PurgeProcess {
  const child = spawn('node', ['dist/cli/purge.js', ...args], {
    env: { ...process.env, ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

/** Runs the CLI to its end. */
async function purge(...args: string[]) {
  const run = startPurge(args);
  const code = await run.exited;
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}

/** Deletes a row through the toolkit (with its cascade), then makes its batch `days` old. */
async function deletedDaysAgo(type: 'User' | 'Post' | 'Comment', id: number, days: number) {
  await f.tombstone(type, id);
  const [event] = await t.sql(
    `select batch_id from soft_delete_audit where action = 'delete' and entity_type = $1 and entity_id = $2`,
    [type, String(id)],
  );
  for (const table of ['users', 'post', 'comment']) {
    await t.sql(
      `update ${table} set deleted_at = now() - make_interval(days => $2) where delete_batch = $1`,
      [event?.batch_id, days],
    );
  }
}

/** Every user, post and comment id still in the database, as `table:id`. */
async function remaining(): Promise<string[]> {
  const rows = await t.sql(
    `select 'users:' || id as ref from users union all select 'post:' || id from post
     union all select 'comment:' || id from comment order by 1`,
  );
  return rows.map((row) => row.ref);
}

/**
 * alice's old post (two comments and a reply, deleted 40 days ago), her recent one (deleted
 * 10 days ago), a live post whose comment was deleted on its own 40 days ago, and bob, deleted
 * with his post 40 days ago.
 */
async function world() {
  const alice = await f.user('alice');
  const bob = await f.user('bob');
  const oldPost = await f.post(alice, 'old');
  const c1 = await f.comment(oldPost, alice, 'one');
  const c2 = await f.comment(oldPost, bob, 'two');
  const reply = await f.comment(oldPost, alice, 'reply', c1);
  const recentPost = await f.post(alice, 'recent');
  const recentComment = await f.comment(recentPost, alice, 'on recent');
  const livePost = await f.post(alice, 'live');
  const oldComment = await f.comment(livePost, alice, 'deleted alone');
  const liveComment = await f.comment(livePost, alice, 'still here');
  const bobPost = await f.post(bob, 'by bob');
  await deletedDaysAgo('Post', oldPost, 40);
  await deletedDaysAgo('Post', recentPost, 10);
  await deletedDaysAgo('Comment', oldComment, 40);
  await deletedDaysAgo('User', bob, 40);
  return {
    alice,
    bob,
    oldPost,
    c1,
    c2,
    reply,
    recentPost,
    recentComment,
    livePost,
    oldComment,
    liveComment,
    bobPost,
  };
}

describe('npm run purge', () => {
  it('purges the batch roots deleted before the cutoff, with their batches, and nothing else', async () => {
    const w = await world();
    const run = await purge('--older-than', '30d');
    expect(run.code).toBe(0);
    expect(await remaining()).toEqual(
      [
        `users:${w.alice}`,
        `post:${w.recentPost}`,
        `post:${w.livePost}`,
        `comment:${w.recentComment}`,
        `comment:${w.liveComment}`,
      ].sort(),
    );
    // bob's comment on the old post went with the post, the first root to go.
    expect(run.stdout).toMatch(
      /^Purged 3 batch roots deleted before \S+ \(older than 30d\): 7 rows \(User 1, Post 2, Comment 4\)\.$/m,
    );
  });

  it('with --type, purges only roots of those types', async () => {
    const w = await world();
    const run = await purge('--older-than', '30d', '--type', 'comment');
    expect(run.code).toBe(0);
    expect(await remaining()).not.toContain(`comment:${w.oldComment}`);
    expect(await remaining()).toContain(`post:${w.oldPost}`);
    expect(await remaining()).toContain(`users:${w.bob}`);
    expect(run.stdout).toMatch(/Purged 1 batch root .*: 1 row \(Comment 1\)\./);

    const users = await purge('--older-than', '30d', '--type', 'User,Post');
    expect(users.stdout).toMatch(/Purged 2 batch roots .*: 6 rows \(User 1, Post 2, Comment 3\)\./);
  });

  it('--dry-run lists what would go, per type, and changes nothing', async () => {
    const w = await world();
    const before = await remaining();
    const audit = await t.sql('select count(*)::int as n from soft_delete_audit');
    const run = await purge('--older-than', '30d', '--dry-run');
    expect(run.code).toBe(0);
    expect(await remaining()).toEqual(before);
    expect(await t.sql('select count(*)::int as n from soft_delete_audit')).toEqual(audit);
    expect(run.stdout).toContain(`Post ${gid.post(w.oldPost)} deleted `);
    expect(run.stdout).toMatch(new RegExp(`Post ${gid.post(w.oldPost)} deleted \\S+ \\(4 rows\\)`));
    // bob's comment on the old post goes with the post, before bob's turn.
    expect(run.stdout).toMatch(new RegExp(`User ${gid.user(w.bob)} deleted \\S+ \\(2 rows\\)`));
    expect(run.stdout).not.toContain(gid.post(w.recentPost));
    const table = run.stdout.split('\n').filter((line) => /^ {2}\w+ +\d+ +\d+$/.test(line));
    expect(table.map((line) => line.trim().split(/ +/))).toEqual([
      ['User', '1', '1'],
      ['Post', '1', '2'],
      ['Comment', '1', '4'],
      ['total', '3', '7'],
    ]);
    expect(run.stdout).toMatch(/^Would purge 3 batch roots .*: 7 rows \(User 1, Post 2, Comment 4\)\.$/m);
  });

  it('purges nothing the second time', async () => {
    await world();
    expect((await purge('--older-than', '30d')).code).toBe(0);
    const after = await remaining();
    const second = await purge('--older-than', '30d');
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/^Purged 0 batch roots .*: 0 rows\.$/m);
    expect(await remaining()).toEqual(after);
    const [{ n }] = (await t.sql(
      "select count(*)::int as n from soft_delete_audit where action = 'purge'",
    )) as [{ n: number }];
    expect(n).toBe(3);
  });

  it('audits each purge with the CLI as the actor, shown so in the GraphQL audit log', async () => {
    const w = await world();
    await purge('--older-than', '30d', '--type', 'Post');
    const events = await t.sql(
      "select entity_type, entity_id, actor_id, actor_label, row_count from soft_delete_audit where action = 'purge'",
    );
    expect(events).toEqual([
      {
        entity_type: 'Post',
        entity_id: String(w.oldPost),
        actor_id: null,
        actor_label: 'cli:purge',
        row_count: 4,
      },
    ]);
    const auditor = await f.user('auditor');
    const res = await t.gql(
      '{ auditLog(first: 1) { nodes { action entityId actor { id } actorId actorLabel rowCount } } }',
      {},
      { userId: auditor, scopes: ['audit:read'] },
    );
    expect(res.data?.auditLog.nodes).toEqual([
      {
        action: 'PURGE',
        entityId: gid.post(w.oldPost),
        actor: null,
        actorId: null,
        actorLabel: 'cli:purge',
        rowCount: 4,
      },
    ]);
  });

  it.each([
    [['--older-than', '3x'], /--older-than takes a duration such as .*, not "3x"/],
    [[], /--older-than is required/],
    [['--older-than', '30d', '--type', 'Follow'], /--type takes User, Post, Comment, not "Follow"/],
    [['--older-than', '30d', '--force'], /Unknown option '--force'/],
  ])('refuses %j with a reason, the usage and exit code 2', async (args, reason) => {
    const run = await purge(...args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(reason);
    expect(run.stderr).toContain('Usage: npm run purge -- --older-than <duration>');
    expect(run.stdout).toBe('');
  });
});

describe('an interrupted purge', () => {
  it('stops between two batches on SIGINT, with a summary, and a rerun finishes the job', async () => {
    const ROOTS = 600;
    // Tombstoned outside the toolkit (no batch): each is a batch root of its own.
    await f.user('writer');
    await t.sql(
      `insert into post (author_id, title, body, created_at, deleted_at)
       select 1, 'p' || i, 'b', now(), now() - interval '40 days' from generate_series(1, $1) i`,
      [ROOTS],
    );
    const purged = async () =>
      (
        (await t.sql("select count(*)::int as n from soft_delete_audit where action = 'purge'"))[0] as {
          n: number;
        }
      ).n;
    const run = startPurge(['--older-than', '30d']);
    try {
      await waitFor(async () => (await purged()) >= 20, 30_000, 'the first purges');
      run.child.kill('SIGINT');
      expect(await run.exited).toBe(130);
    } finally {
      killGroup(run.child.pid);
    }
    const done = await purged();
    const left = (await t.sql('select count(*)::int as n from post'))[0]?.n as number;
    expect(left).toBeGreaterThan(0);
    // Every purge that was audited committed whole, and nothing else went.
    expect(done + left).toBe(ROOTS);
    expect(run.stdout()).toMatch(
      new RegExp(
        `^Interrupted\\. Purged ${done} of ${ROOTS} batch roots .*: ${done} rows \\(Post ${done}\\)\\. Run`,
        'm',
      ),
    );
    expect(run.stderr()).toContain('SIGINT: stopping after the current batch');

    const rerun = await purge('--older-than', '30d');
    expect(rerun.code).toBe(0);
    expect(rerun.stdout).toMatch(
      new RegExp(`^Purged ${left} batch roots .*: ${left} rows \\(Post ${left}\\)\\.$`, 'm'),
    );
    expect((await t.sql('select count(*)::int as n from post'))[0]?.n).toBe(0);
    expect(await purged()).toBe(ROOTS);
  });
});

describe('against the embedded database', () => {
  it('shares the PostgreSQL a running server started, and starts and stops its own otherwise', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tombstone-purge-'));
    const env = { DATABASE_URL: '', DATA_DIR: dir };
    const server = spawnServer('node', ['dist/server.js'], {
      ...process.env,
      ...env,
      NODE_ENV: 'test',
      JWT_SECRET: TEST_SECRET,
      PORT: '0',
      SEED_DEMO_DATA: 'true',
    });
    try {
      const url = await readyUrl(server);
      const gqlAs = async (query: string, variables: Record<string, unknown> = {}) => {
        const response = await fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${await tokenFor(1, ['content:moderate'])}`,
          },
          body: JSON.stringify({ query, variables }),
        });
        return (await response.json()) as { data: Record<string, any> };
      };
      const listed = await gqlAs('{ posts(first: 1) { totalCount nodes { id } } }');
      const [first] = listed.data.posts.nodes;
      await gqlAs('mutation($id: ID!) { deletePost(id: $id) { id } }', { id: first.id });

      const shared = startPurge(['--older-than', '0s'], env);
      expect(await shared.exited).toBe(0);
      expect(shared.stderr()).toContain('Using the embedded PostgreSQL already running');
      expect(shared.stdout()).toMatch(
        /^Purged 1 batch root .*\(older than 0s\): \d+ rows? \(Post 1(, Comment \d+)?\)\.$/m,
      );
      // The server went on serving, on the same database.
      const after = await gqlAs('{ posts(first: 1) { totalCount } }');
      expect(after.data.posts.totalCount).toBe(listed.data.posts.totalCount - 1);

      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
      const own = startPurge(['--older-than', '0s'], env);
      expect(await own.exited).toBe(0);
      expect(own.stderr()).toContain('Embedded PostgreSQL started');
      expect(own.stdout()).toMatch(/^Purged 0 batch roots /m);
      // It stopped the cluster it started.
      await expect(access(join(dir, 'pg', 'postmaster.pid'))).rejects.toThrow();
    } finally {
      killGroup(server.child.pid);
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
