import { beforeEach, describe, expect, it } from 'vitest';
import { fixtures } from '../support/fixtures.js';
import { gid } from '../support/ids.js';
import { codes, startTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
let f: ReturnType<typeof fixtures>;
beforeEach(async () => {
  t = await startTestApp();
  f = fixtures(t);
  return () => t.stop();
});

const MODERATOR = ['content:moderate'];
const PURGER = ['data:purge'];
const del = (
  type: 'User' | 'Post' | 'Comment',
  id: string,
  as: { userId: number; scopes?: string[] },
  reason?: string,
) =>
  t.gql(
    `mutation($id: ID!, $reason: String) { delete${type}(id: $id, reason: $reason) { id deletedCount } }`,
    { id, reason },
    as,
  );
const restore = (type: 'User' | 'Post' | 'Comment', id: string, as: { userId: number; scopes?: string[] }) =>
  t.gql(`mutation($id: ID!) { restore${type}(id: $id) { id } }`, { id }, as);
const purge = (type: 'User' | 'Post' | 'Comment', id: string, as: { userId: number; scopes?: string[] }) =>
  t.gql(`mutation($id: ID!) { purge${type}(id: $id) { id purgedCount } }`, { id }, as);

/** Tombstone columns of one row, read straight from the database. */
async function tombstone(table: 'users' | 'post' | 'comment', id: number) {
  const [row] = await t.sql(
    `select deleted_at, deleted_by, delete_reason, delete_batch from ${table} where id = $1`,
    [id],
  );
  return row;
}

/** Microblog with a user whose deletion reaches every cascade rule. */
async function world() {
  const dora = await f.user('dora'); // the one deleted
  const eve = await f.user('eve');
  const mod = await f.user('mod');
  const doraPost = await f.post(dora, 'Dora post');
  const eveOnDora = await f.comment(doraPost, eve, 'eve on dora');
  const replyOnDora = await f.comment(doraPost, eve, 'reply on dora', eveOnDora);
  const evePost = await f.post(eve, 'Eve post');
  const doraOnEve = await f.comment(evePost, dora, 'dora on eve');
  const eveUnderDora = await f.comment(evePost, eve, 'eve under dora', doraOnEve);
  const eveTop = await f.comment(evePost, eve, 'eve top');
  await f.follow(eve, dora);
  await f.follow(dora, eve);
  return { dora, eve, mod, doraPost, eveOnDora, replyOnDora, evePost, doraOnEve, eveUnderDora, eveTop };
}

describe('delete', () => {
  it('cascades user → posts and comments → their comments and replies, in one batch rooted at the user', async () => {
    const w = await world();
    const res = await del('User', gid.user(w.dora), { userId: w.dora }, 'leaving');
    expect(res.data?.deleteUser).toEqual({ id: gid.user(w.dora), deletedCount: 6 });

    const root = await tombstone('users', w.dora);
    expect(root).toMatchObject({ deleted_by: String(w.dora), delete_reason: 'leaving' });
    expect(root?.deleted_at).toBeInstanceOf(Date);
    const batch = root?.delete_batch;
    for (const [table, id] of [
      ['post', w.doraPost],
      ['comment', w.eveOnDora],
      ['comment', w.replyOnDora],
      ['comment', w.doraOnEve],
      ['comment', w.eveUnderDora],
    ] as const) {
      expect(await tombstone(table, id), `${table} ${id}`).toMatchObject({
        delete_batch: batch,
        deleted_by: String(w.dora),
      });
    }
    for (const [table, id] of [
      ['users', w.eve],
      ['post', w.evePost],
      ['comment', w.eveTop],
    ] as const) {
      expect((await tombstone(table, id))?.deleted_at, `${table} ${id}`).toBeNull();
    }
    // Follows are hidden through the user, not deleted: restoring brings them back.
    expect(await t.sql('select 1 from follow')).toHaveLength(2);
  });

  it('leaves rows tombstoned earlier in their own batch', async () => {
    const w = await world();
    await del('Comment', gid.comment(w.eveOnDora), { userId: w.eve });
    const earlier = await tombstone('comment', w.eveOnDora);
    const res = await del('Post', gid.post(w.doraPost), { userId: w.dora });
    expect(res.data?.deletePost.deletedCount).toBe(1); // the reply went with eve's comment
    expect(await tombstone('comment', w.eveOnDora)).toEqual(earlier);
    expect(await tombstone('comment', w.replyOnDora)).toEqual(earlier);
  });

  it('is allowed to the owner and to content:moderate only', async () => {
    const w = await world();
    expect(codes(await del('Post', gid.post(w.doraPost), { userId: w.eve }))).toEqual(['FORBIDDEN']);
    expect(codes(await del('User', gid.user(w.dora), { userId: w.eve }))).toEqual(['FORBIDDEN']);
    expect(codes(await del('Comment', gid.comment(w.doraOnEve), { userId: w.eve }))).toEqual(['FORBIDDEN']);
    expect(
      codes(await t.gql('mutation($id: ID!) { deletePost(id: $id) { id } }', { id: gid.post(w.doraPost) })),
    ).toEqual(['UNAUTHENTICATED']);
    expect((await tombstone('post', w.doraPost))?.deleted_at).toBeNull();
    const moderated = await del(
      'Comment',
      gid.comment(w.doraOnEve),
      { userId: w.mod, scopes: MODERATOR },
      'spam',
    );
    expect(moderated.data?.deleteComment).toEqual({ id: gid.comment(w.doraOnEve), deletedCount: 2 });
    expect(await tombstone('comment', w.doraOnEve)).toMatchObject({
      deleted_by: String(w.mod),
      delete_reason: 'spam',
    });
  });

  it('rejects a reason over 500 characters with BAD_USER_INPUT and changes nothing', async () => {
    const w = await world();
    expect(codes(await del('Post', gid.post(w.doraPost), { userId: w.dora }, 'r'.repeat(501)))).toEqual([
      'BAD_USER_INPUT',
    ]);
    expect((await tombstone('post', w.doraPost))?.deleted_at).toBeNull();
  });

  it('happens in one transaction: a failure half-way leaves every row live', async () => {
    const w = await world();
    // Make the cascade's update of one comment fail inside PostgreSQL.
    await t.sql(`create function refuse() returns trigger language plpgsql as $$
      begin if new.body = 'reply on dora' then raise exception 'refused'; end if; return new; end; $$`);
    await t.sql('create trigger refuse before update on comment for each row execute function refuse()');
    const res = await del('Post', gid.post(w.doraPost), { userId: w.dora });
    expect(codes(res)).toEqual(['INTERNAL_SERVER_ERROR']);
    for (const [table, id] of [
      ['post', w.doraPost],
      ['comment', w.eveOnDora],
    ] as const) {
      expect((await tombstone(table, id))?.deleted_at).toBeNull();
    }
    expect(await t.sql('select 1 from soft_delete_audit')).toHaveLength(0);
  });
});

describe('delete and restore payloads, for client caches', () => {
  const DELETE_COMMENT = /* GraphQL */ `
    mutation($id: ID!) {
      deleteComment(id: $id) {
        id deletedCount deletedIds
        post { id commentCount comments { totalCount } }
        parent { id }
        author { id comments { totalCount } }
      }
    }
  `;
  const RESTORE_COMMENT = /* GraphQL */ `
    mutation($id: ID!) {
      restoreComment(id: $id) {
        id restoredIds
        comment { id body isDeleted }
        post { id commentCount comments { totalCount } }
        parent { id }
        author { id comments { totalCount } }
      }
    }
  `;

  it('name every row of the batch and return the live parents with their counts after the write', async () => {
    const w = await world();
    const deleted = await t.gql(DELETE_COMMENT, { id: gid.comment(w.eveOnDora) }, { userId: w.eve });
    expect(deleted.errors).toBeUndefined();
    expect(deleted.data?.deleteComment).toEqual({
      id: gid.comment(w.eveOnDora),
      deletedCount: 2,
      deletedIds: [gid.comment(w.eveOnDora), gid.comment(w.replyOnDora)],
      post: { id: gid.post(w.doraPost), commentCount: 0, comments: { totalCount: 0 } },
      parent: null,
      // eve keeps her two comments on her own post.
      author: { id: gid.user(w.eve), comments: { totalCount: 2 } },
    });

    const restored = await t.gql(RESTORE_COMMENT, { id: gid.comment(w.eveOnDora) }, { userId: w.eve });
    expect(restored.errors).toBeUndefined();
    expect(restored.data?.restoreComment).toEqual({
      id: gid.comment(w.eveOnDora),
      restoredIds: [gid.comment(w.eveOnDora), gid.comment(w.replyOnDora)],
      comment: { id: gid.comment(w.eveOnDora), body: 'eve on dora', isDeleted: false },
      post: { id: gid.post(w.doraPost), commentCount: 2, comments: { totalCount: 1 } },
      parent: null,
      author: { id: gid.user(w.eve), comments: { totalCount: 4 } },
    });
  });

  it("return a reply's parent comment, and a post's author", async () => {
    const w = await world();
    const reply = await t.gql(
      'mutation($id: ID!) { deleteComment(id: $id) { deletedIds parent { id replies { totalCount } } } }',
      { id: gid.comment(w.eveUnderDora) },
      { userId: w.eve },
    );
    expect(reply.data?.deleteComment).toEqual({
      deletedIds: [gid.comment(w.eveUnderDora)],
      parent: { id: gid.comment(w.doraOnEve), replies: { totalCount: 0 } },
    });
    const post = await t.gql(
      'mutation($id: ID!) { deletePost(id: $id) { deletedIds author { id posts { totalCount } } } }',
      { id: gid.post(w.evePost) },
      { userId: w.eve },
    );
    expect(post.data?.deletePost.author).toEqual({ id: gid.user(w.eve), posts: { totalCount: 0 } });
    // The post and its three remaining comments, the post first.
    const deletedIds = post.data?.deletePost.deletedIds as string[];
    expect(deletedIds[0]).toBe(gid.post(w.evePost));
    expect([...deletedIds].sort()).toEqual(
      [gid.post(w.evePost), gid.comment(w.doraOnEve), gid.comment(w.eveTop)].sort(),
    );
    const back = await t.gql(
      'mutation($id: ID!) { restorePost(id: $id) { post { id } author { posts { totalCount } } } }',
      { id: gid.post(w.evePost) },
      { userId: w.eve },
    );
    expect(back.data?.restorePost).toEqual({
      post: { id: gid.post(w.evePost) },
      author: { posts: { totalCount: 1 } },
    });
  });
});

describe('restore', () => {
  it('brings back exactly the batch: a comment deleted on its own before stays deleted', async () => {
    const w = await world();
    const extra = await f.comment(w.doraPost, w.eve, 'second top');
    await del('Comment', gid.comment(w.eveOnDora), { userId: w.eve });
    await del('Post', gid.post(w.doraPost), { userId: w.dora });
    const res = await t.gql(
      'mutation($id: ID!) { restorePost(id: $id) { id post { commentCount comments { nodes { id } } } restoredIds } }',
      { id: gid.post(w.doraPost) },
      { userId: w.dora },
    );
    expect(res.data?.restorePost).toEqual({
      id: gid.post(w.doraPost),
      post: { commentCount: 1, comments: { nodes: [{ id: gid.comment(extra) }] } },
      // The post and the comment its delete took; not eve's comment, deleted on its own before.
      restoredIds: [gid.post(w.doraPost), gid.comment(extra)],
    });
    expect((await tombstone('comment', w.eveOnDora))?.deleted_at).toBeInstanceOf(Date);
    expect((await tombstone('comment', w.replyOnDora))?.deleted_at).toBeInstanceOf(Date);
    expect(await tombstone('post', w.doraPost)).toEqual({
      deleted_at: null,
      deleted_by: null,
      delete_reason: null,
      delete_batch: null,
    });
  });

  it('restores a whole user batch for a moderator, follows included', async () => {
    const w = await world();
    await del('User', gid.user(w.dora), { userId: w.dora });
    const res = await t.gql(
      'mutation($id: ID!) { restoreUser(id: $id) { user { username posts { totalCount } comments { totalCount } followers { totalCount } } } }',
      { id: gid.user(w.dora) },
      { userId: w.mod, scopes: MODERATOR },
    );
    expect(res.data?.restoreUser.user).toEqual({
      username: 'dora',
      posts: { totalCount: 1 },
      comments: { totalCount: 1 },
      followers: { totalCount: 1 },
    });
    const [{ live }] = (await t.sql(
      'select count(*)::int as live from comment where deleted_at is null',
    )) as [{ live: number }];
    expect(live).toBe(5);
  });

  it('answers CONFLICT naming the root for a row a cascade tombstoned', async () => {
    const w = await world();
    await del('Post', gid.post(w.doraPost), { userId: w.dora });
    const res = await restore('Comment', gid.comment(w.eveOnDora), { userId: w.mod, scopes: MODERATOR });
    expect(codes(res)).toEqual(['CONFLICT']);
    expect(res.errors?.[0]?.message).toContain(gid.post(w.doraPost));
    expect(res.errors?.[0]?.extensions).toMatchObject({
      reason: 'NOT_BATCH_ROOT',
      target: gid.post(w.doraPost),
    });
    expect((await tombstone('comment', w.eveOnDora))?.deleted_at).toBeInstanceOf(Date);
  });

  it('answers CONFLICT naming the parent while a required parent is still tombstoned', async () => {
    const w = await world();
    await del('Comment', gid.comment(w.eveOnDora), { userId: w.eve });
    await del('Post', gid.post(w.doraPost), { userId: w.dora });
    const res = await restore('Comment', gid.comment(w.eveOnDora), { userId: w.eve });
    expect(codes(res)).toEqual(['CONFLICT']);
    expect(res.errors?.[0]?.extensions).toMatchObject({
      reason: 'PARENT_DELETED',
      target: gid.post(w.doraPost),
    });
    expect((await tombstone('comment', w.eveOnDora))?.deleted_at).toBeInstanceOf(Date);
    // In the right order both come back.
    expect((await restore('Post', gid.post(w.doraPost), { userId: w.dora })).errors).toBeUndefined();
    expect(
      (await restore('Comment', gid.comment(w.eveOnDora), { userId: w.eve })).data?.restoreComment,
    ).toEqual({
      id: gid.comment(w.eveOnDora),
    });
  });

  it('answers CONFLICT for a live row, NOT_FOUND to whoever may not restore it', async () => {
    const w = await world();
    expect(codes(await restore('Post', gid.post(w.evePost), { userId: w.mod, scopes: MODERATOR }))).toEqual([
      'CONFLICT',
    ]);
    await del('Post', gid.post(w.doraPost), { userId: w.mod, scopes: MODERATOR });
    // The author did not delete it and does not moderate: as if it did not exist.
    const author = await restore('Post', gid.post(w.doraPost), { userId: w.dora });
    const unknown = await restore('Post', gid.post(987_654), { userId: w.dora });
    expect(codes(author)).toEqual(['NOT_FOUND']);
    expect(author.errors?.[0]?.message).toBe(unknown.errors?.[0]?.message);
    // A live row is just as invisible to them.
    expect(codes(await restore('Post', gid.post(w.evePost), { userId: w.dora }))).toEqual(['NOT_FOUND']);
    // Deleting oneself does not let one restore oneself: accounts need a moderator.
    await del('User', gid.user(w.eve), { userId: w.eve });
    const [{ id: stillThere }] = (await t.sql('select id from users where id = $1', [w.eve])) as [
      { id: number },
    ];
    expect(stillThere).toBe(w.eve);
  });

  it('answers CONFLICT naming the field when a live user took the username, changing nothing', async () => {
    const w = await world();
    await del('User', gid.user(w.dora), { userId: w.dora });
    const before = await tombstone('users', w.dora);
    const taken = await t.gql(
      'mutation { register(input: { username: "Dora", email: "new-dora@example.com", displayName: "New Dora" }) { id } }',
    );
    expect(taken.errors).toBeUndefined();
    const res = await restore('User', gid.user(w.dora), { userId: w.mod, scopes: MODERATOR });
    expect(codes(res)).toEqual(['CONFLICT']);
    expect(res.errors?.[0]?.message).toBe(
      'Cannot restore: the username has since been taken by another user.',
    );
    expect(await tombstone('users', w.dora)).toEqual(before);
    expect((await tombstone('post', w.doraPost))?.delete_batch).toBe(before?.delete_batch);
    expect(await t.sql("select 1 from soft_delete_audit where action = 'restore'")).toHaveLength(0);
  });
});

describe('purge', () => {
  it('needs data:purge and a tombstoned batch root', async () => {
    const w = await world();
    expect(codes(await purge('User', gid.user(w.dora), { userId: w.mod, scopes: MODERATOR }))).toEqual([
      'FORBIDDEN',
    ]);
    expect(codes(await purge('User', gid.user(w.dora), { userId: w.mod, scopes: PURGER }))).toEqual([
      'CONFLICT',
    ]);
    await del('User', gid.user(w.dora), { userId: w.dora });
    const nonRoot = await purge('Post', gid.post(w.doraPost), { userId: w.mod, scopes: PURGER });
    expect(codes(nonRoot)).toEqual(['CONFLICT']);
    expect(nonRoot.errors?.[0]?.extensions?.target).toBe(gid.user(w.dora));
    expect(codes(await purge('User', gid.user(123_456), { userId: w.mod, scopes: PURGER }))).toEqual([
      'NOT_FOUND',
    ]);
  });

  it('removes the batch, earlier deletions beneath it and the user’s follows, and keeps the audit trail', async () => {
    const w = await world();
    await del('Comment', gid.comment(w.eveOnDora), { userId: w.eve }); // earlier, separate, beneath dora's post
    const deleted = await del('User', gid.user(w.dora), { userId: w.dora }, 'gdpr');
    // dora, her post, her comment on eve's post and the reply beneath it.
    expect(deleted.data?.deleteUser.deletedCount).toBe(4);
    const res = await purge('User', gid.user(w.dora), { userId: w.mod, scopes: PURGER });
    // dora, her post, eve's two comments on it, dora's comment on eve's post and the reply to it.
    expect(res.data?.purgeUser).toEqual({ id: gid.user(w.dora), purgedCount: 6 });
    expect(await t.sql('select id from users order by id')).toEqual([{ id: w.eve }, { id: w.mod }]);
    expect(await t.sql('select id from post')).toEqual([{ id: w.evePost }]);
    expect(await t.sql('select id from comment')).toEqual([{ id: w.eveTop }]);
    expect(await t.sql('select 1 from follow')).toHaveLength(0);

    const events = await t.sql(
      'select action, entity_type, entity_id, actor_id, reason, row_count from soft_delete_audit order by id',
    );
    expect(events).toEqual([
      {
        action: 'delete',
        entity_type: 'Comment',
        entity_id: String(w.eveOnDora),
        actor_id: String(w.eve),
        reason: null,
        row_count: 2,
      },
      {
        action: 'delete',
        entity_type: 'User',
        entity_id: String(w.dora),
        actor_id: String(w.dora),
        reason: 'gdpr',
        row_count: 4,
      },
      {
        action: 'purge',
        entity_type: 'User',
        entity_id: String(w.dora),
        actor_id: String(w.mod),
        reason: null,
        row_count: 6,
      },
    ]);
  });
});

describe('audit log', () => {
  it('records delete and restore with who, when, what, why, batch and rows, and refuses edits', async () => {
    const w = await world();
    await del('Post', gid.post(w.doraPost), { userId: w.dora }, 'typo');
    await restore('Post', gid.post(w.doraPost), { userId: w.dora });
    const events = await t.sql('select * from soft_delete_audit order by id');
    expect(events).toHaveLength(2);
    const [deleted, restored] = events as [Record<string, any>, Record<string, any>];
    expect(deleted).toMatchObject({
      action: 'delete',
      entity_type: 'Post',
      entity_id: String(w.doraPost),
      actor_id: String(w.dora),
      reason: 'typo',
      row_count: 3,
    });
    expect([...deleted.entity_refs].sort()).toEqual(
      [`Post:${w.doraPost}`, `Comment:${w.eveOnDora}`, `Comment:${w.replyOnDora}`].sort(),
    );
    expect(restored).toMatchObject({ action: 'restore', batch_id: deleted.batch_id, row_count: 3 });
    expect(deleted.created_at).toBeInstanceOf(Date);
    await expect(t.sql("update soft_delete_audit set reason = 'edited'")).rejects.toThrow(/append-only/);
    await expect(t.sql('delete from soft_delete_audit')).rejects.toThrow(/append-only/);
    await expect(t.sql('truncate soft_delete_audit')).rejects.toThrow(/append-only/);
  });
});

describe('unique values', () => {
  it('lets a new user take the username and email of a deleted one', async () => {
    const w = await world();
    await del('User', gid.user(w.dora), { userId: w.dora });
    const res = await t.gql(
      'mutation { register(input: { username: "DORA", email: "dora@example.com", displayName: "Dora II" }) { username } }',
    );
    expect(res.data?.register).toEqual({ username: 'DORA' });
    // And it stays unique among live users.
    const again = await t.gql(
      'mutation { register(input: { username: "dora", email: "x@example.com", displayName: "X" }) { id } }',
    );
    expect(codes(again)).toEqual(['CONFLICT']);
  });
});
