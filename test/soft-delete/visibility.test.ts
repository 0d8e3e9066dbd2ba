import type { EntityManager } from '@mikro-orm/postgresql';
import { beforeEach, describe, expect, it } from 'vitest';
import { User } from '../../src/modules/user/user.entity.js';
import { fixtures } from '../support/fixtures.js';
import { gid, nodeIds } from '../support/ids.js';
import { codes, startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Every read path a client can take, before and after a tombstone. Each test gets a fresh
 * database: alice writes a post that bob comments on and alice replies to; carol follows alice,
 * alice follows bob; bob also has a post of his own that alice comments on.
 */
let t: TestApp;
let ids: Awaited<ReturnType<typeof seed>>;

async function seed(app: TestApp) {
  const f = fixtures(app);
  const alice = await f.user('alice');
  const bob = await f.user('bob');
  const carol = await f.user('carol');
  const post = await f.post(alice, 'Alice post');
  const bobPost = await f.post(bob, 'Bob post');
  const question = await f.comment(post, bob, 'question');
  const answer = await f.comment(post, alice, 'answer', question);
  const onBob = await f.comment(bobPost, alice, 'alice on bob');
  await f.follow(carol, alice);
  await f.follow(alice, bob);
  return { alice, bob, carol, post, bobPost, question, answer, onBob };
}

beforeEach(async () => {
  t = await startTestApp();
  ids = await seed(t);
  return () => t.stop();
});

const EVERYTHING = /* GraphQL */ `
  query($alice: ID!, $bob: ID!, $carol: ID!, $post: ID!, $bobPost: ID!, $question: ID!, $answer: ID!, $onBob: ID!) {
    users { totalCount nodes { id } }
    posts { totalCount nodes { id } }
    userById: user(id: $alice) { id posts { totalCount nodes { id } } }
    userByName: user(username: "alice") { id }
    post(id: $post) { id }
    question: comment(id: $question) { id replies { totalCount nodes { id } } }
    answer: comment(id: $answer) { id parent { id } }
    nodeUser: node(id: $alice) { id }
    nodePost: node(id: $post) { id }
    nodeComment: node(id: $question) { id }
    bob: user(id: $bob) {
      comments { totalCount nodes { id } }
      followers { totalCount nodes { id } }
      posts { nodes { id commentCount comments { totalCount nodes { id post { id } author { id } } } } }
    }
    carol: user(id: $carol) { following { totalCount nodes { id } } }
    bobPost: post(id: $bobPost) { commentCount comments { totalCount nodes { id } } }
    onBob: comment(id: $onBob) { id author { id } }
  }
`;

const read = async (as?: { userId: number }) => {
  const res = await t.gql(
    EVERYTHING,
    {
      alice: gid.user(ids.alice),
      bob: gid.user(ids.bob),
      carol: gid.user(ids.carol),
      post: gid.post(ids.post),
      bobPost: gid.post(ids.bobPost),
      question: gid.comment(ids.question),
      answer: gid.comment(ids.answer),
      onBob: gid.comment(ids.onBob),
    },
    as,
  );
  expect(res.errors).toBeUndefined();
  return res.data as Record<string, any>;
};

const DELETE_USER =
  'mutation($id: ID!, $reason: String) { deleteUser(id: $id, reason: $reason) { id deletedCount } }';
const DELETE_POST = 'mutation($id: ID!) { deletePost(id: $id) { id deletedCount } }';

describe('a deleted user', () => {
  it('vanishes from every path, with their posts, their comments and everything beneath', async () => {
    const before = await read();
    expect(before.users.totalCount).toBe(3);
    expect(before.bob.followers.totalCount).toBe(1);

    const res = await t.gql(DELETE_USER, { id: gid.user(ids.alice) }, { userId: ids.alice });
    // alice, her post, bob's question on it, her answer, her comment on bob's post.
    expect(res.data?.deleteUser).toEqual({ id: gid.user(ids.alice), deletedCount: 5 });

    const after = await read({ userId: ids.bob });
    expect(after.users).toEqual({
      totalCount: 2,
      nodes: [{ id: gid.user(ids.carol) }, { id: gid.user(ids.bob) }],
    });
    expect(after.posts).toEqual({ totalCount: 1, nodes: [{ id: gid.post(ids.bobPost) }] });
    for (const key of [
      'userById',
      'userByName',
      'post',
      'question',
      'answer',
      'nodeUser',
      'nodePost',
      'nodeComment',
      'onBob',
    ]) {
      expect(after[key], key).toBeNull();
    }
    expect(after.bob.comments).toEqual({ totalCount: 0, nodes: [] });
    expect(after.bob.followers).toEqual({ totalCount: 0, nodes: [] });
    expect(after.carol.following).toEqual({ totalCount: 0, nodes: [] });
    expect(after.bobPost).toEqual({ commentCount: 0, comments: { totalCount: 0, nodes: [] } });
  });

  it('can no longer authenticate, and is NOT_FOUND to follow, with the message of an unknown user', async () => {
    await t.gql(DELETE_USER, { id: gid.user(ids.alice) }, { userId: ids.alice });
    const own = await t.gql('{ viewer { id } }', {}, { userId: ids.alice });
    expect(own.status).toBe(401);
    expect(codes(own)).toEqual(['UNAUTHENTICATED']);

    const deleted = await t.gql(
      'mutation($id: ID!) { follow(userId: $id) { id } }',
      { id: gid.user(ids.alice) },
      { userId: ids.bob },
    );
    const unknown = await t.gql(
      'mutation($id: ID!) { follow(userId: $id) { id } }',
      { id: gid.user(999_999) },
      { userId: ids.bob },
    );
    expect(codes(deleted)).toEqual(['NOT_FOUND']);
    expect(deleted.errors?.[0]?.message).toBe(unknown.errors?.[0]?.message);
  });
});

describe('a deleted post', () => {
  it('takes its comments with it, and every path to them', async () => {
    const res = await t.gql(DELETE_POST, { id: gid.post(ids.post) }, { userId: ids.alice });
    expect(res.data?.deletePost.deletedCount).toBe(3);
    const after = await read();
    expect(after.posts.totalCount).toBe(1);
    expect([after.post, after.question, after.answer, after.nodePost, after.nodeComment]).toEqual([
      null,
      null,
      null,
      null,
      null,
    ]);
    expect(nodeIds(after.bob.comments)).toEqual([]);
    // Alice herself and her comment on bob's post are untouched.
    expect(after.userById).toEqual({ id: gid.user(ids.alice), posts: { totalCount: 0, nodes: [] } });
    expect(after.onBob).toEqual({ id: gid.comment(ids.onBob), author: { id: gid.user(ids.alice) } });
  });

  it('is NOT_FOUND to update, comment on or delete again, exactly like an unknown post', async () => {
    await t.gql(DELETE_POST, { id: gid.post(ids.post) }, { userId: ids.alice });
    const attempts = [
      ['mutation($id: ID!) { updatePost(id: $id, input: { title: "x" }) { id } }', {}],
      ['mutation($id: ID!) { createComment(input: { postId: $id, body: "x" }) { id } }', {}],
      ['mutation($id: ID!) { deletePost(id: $id) { id } }', {}],
    ] as const;
    for (const [mutation] of attempts) {
      const deleted = await t.gql(mutation, { id: gid.post(ids.post) }, { userId: ids.alice });
      const unknown = await t.gql(mutation, { id: gid.post(424_242) }, { userId: ids.alice });
      expect(codes(deleted), mutation).toEqual(['NOT_FOUND']);
      expect(deleted.errors?.[0]?.message).toBe(unknown.errors?.[0]?.message);
    }
    const reply = await t.gql(
      'mutation($post: ID!, $parent: ID!) { createComment(input: { postId: $post, parentId: $parent, body: "x" }) { id } }',
      { post: gid.post(ids.bobPost), parent: gid.comment(ids.onBob) },
      { userId: ids.bob },
    );
    expect(reply.errors).toBeUndefined();
  });
});

describe('a deleted reply', () => {
  it("leaves its parent's replies and its post's count", async () => {
    const before = await read();
    expect(before.question.replies).toEqual({ totalCount: 1, nodes: [{ id: gid.comment(ids.answer) }] });
    const res = await t.gql(
      'mutation($id: ID!) { deleteComment(id: $id) { deletedCount } }',
      { id: gid.comment(ids.answer) },
      { userId: ids.alice },
    );
    expect(res.data?.deleteComment.deletedCount).toBe(1);
    const after = await read();
    expect(after.question.replies).toEqual({ totalCount: 0, nodes: [] });
    expect(after.answer).toBeNull();
    expect(after.bob.posts.nodes).toHaveLength(1);
    const post = await t.gql('query($id: ID!) { post(id: $id) { commentCount } }', {
      id: gid.post(ids.post),
    });
    expect(post.data?.post.commentCount).toBe(1);
  });
});

describe('mutation payloads and later fields of the same request', () => {
  it('see the state after each write, never a cached row', async () => {
    const res = await t.gql(
      `mutation($alice: ID!, $bobPost: ID!) {
        before: createComment(input: { postId: $bobPost, body: "one" }) {
          post { commentCount comments { nodes { author { username } } } }
        }
        gone: deleteUser(id: $alice) { deletedCount }
        after: createComment(input: { postId: $bobPost, body: "two" }) {
          post { commentCount comments { nodes { author { username } } } }
        }
        back: restoreUser(id: $alice) { user { username posts { totalCount } } }
      }`,
      { alice: gid.user(ids.alice), bobPost: gid.post(ids.bobPost) },
      { userId: ids.carol, scopes: ['content:moderate'] },
    );
    expect(res.errors).toBeUndefined();
    const authors = (key: string) => res.data?.[key].post.comments.nodes.map((n: any) => n.author.username);
    expect(res.data?.before.post.commentCount).toBe(2);
    expect(authors('before')).toEqual(['alice', 'carol']);
    expect(res.data?.gone.deletedCount).toBe(5);
    expect(res.data?.after.post.commentCount).toBe(2);
    expect(authors('after')).toEqual(['carol', 'carol']);
    expect(res.data?.back).toEqual({ user: { username: 'alice', posts: { totalCount: 1 } } });
  });
});

describe('visibility modes', () => {
  it('never share an entity manager or a loader cache, and tag every row with its mode', async () => {
    await t.gql(DELETE_USER, { id: gid.user(ids.alice) }, { userId: ids.alice });
    const { createContext } = await import('../../src/context.js');
    const ctx = await createContext(
      { orm: t.app.orm, softDelete: t.app.softDelete, verifyToken: async () => ({ sub: '', scopes: [] }) },
      undefined,
    );
    const everything = ctx.reads.scope('all');
    const tombstone = await everything.loaders.user.load(ids.alice);
    expect(tombstone?.deletedAt).toBeInstanceOf(Date);
    // Read once, tagged once: every later step (the guard, the fields below) reads the tag.
    expect(ctx.reads.scopeOf(tombstone).visibility).toBe('all');
    expect(await everything.em.findOne(User, ids.alice)).not.toBeNull();
    // The trap (MikroORM #7084): a findOne by primary key answered from the identity map.
    const live = ctx.reads.scope('live');
    expect(live.em).not.toBe(everything.em);
    expect(await live.em.findOne(User, ids.alice)).toBeNull();
    expect(await live.loaders.user.load(ids.alice)).toBeNull();
  });

  it('share only statement readers between requests, which keep nothing of any request', async () => {
    await t.gql(DELETE_USER, { id: gid.user(ids.alice) }, { userId: ids.alice });
    const auditor = await t.gql(
      '{ users(includeDeleted: true) { nodes { id posts(includeDeleted: true) { totalCount nodes { id author { id } } } } } }',
      {},
      { userId: ids.carol, scopes: ['audit:read'] },
    );
    expect(auditor.errors).toBeUndefined();
    expect(auditor.data?.users.nodes.map((u: { id: string }) => u.id)).toContain(gid.user(ids.alice));
    const live = await read({ userId: ids.bob });
    expect(live.users.nodes.map((u: { id: string }) => u.id)).not.toContain(gid.user(ids.alice));
    const { statementReader } = await import('../../src/soft-delete/index.js');
    for (const mode of ['live', 'all'] as const) {
      const reader = statementReader(t.app.orm.em, mode, t.app.softDelete);
      // The loaders built and ran their statements through it, and not one entity stayed behind
      // (the reader's type offers no unit of work; the object under it is a whole entity manager).
      const whole = reader as unknown as EntityManager;
      expect(whole.getUnitOfWork().getIdentityMap().keys()).toEqual([]);
      expect(reader.isInTransaction()).toBe(false);
    }
    expect(statementReader(t.app.orm.em, 'all', t.app.softDelete)).not.toBe(
      statementReader(t.app.orm.em, 'live', t.app.softDelete),
    );
  });

  it("stop a request's reads when it aborts, and only its own, though they share statement readers", async () => {
    const { createContext } = await import('../../src/context.js');
    for (const preparedStatements of [true, false]) {
      const deps = {
        orm: t.app.orm,
        softDelete: t.app.softDelete,
        verifyToken: async () => ({ sub: '', scopes: [] }),
        preparedStatements,
      };
      const gone = new AbortController();
      const [abandoned, other] = await Promise.all([
        createContext(deps, undefined, gone.signal),
        createContext(deps, undefined, new AbortController().signal),
      ]);
      gone.abort();
      for (const mode of ['live', 'all'] as const) {
        await expect(abandoned.reads.scope(mode).loaders.user.load(ids.bob)).rejects.toThrow(/abort/i);
        await expect(abandoned.reads.scope(mode).loaders.post.load(ids.post)).rejects.toThrow(/abort/i);
        expect((await other.reads.scope(mode).loaders.user.load(ids.bob))?.id).toBe(ids.bob);
        expect((await other.reads.scope(mode).loaders.post.load(ids.post))?.id).toBe(ids.post);
      }
    }
  });
});
