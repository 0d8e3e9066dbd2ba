import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toGlobalId } from '../src/graphql/global-id.js';
import { fixtures, minute } from './support/fixtures.js';
import { codes, startTestApp, type TestApp } from './support/test-app.js';

let t: TestApp;
let f: ReturnType<typeof fixtures>;
beforeAll(async () => {
  t = await startTestApp();
  f = fixtures(t);
});
afterAll(() => t?.stop());

const FOLLOW = 'mutation($id: ID!) { follow(userId: $id) { username followers { totalCount } } }';
const UNFOLLOW = 'mutation($id: ID!) { unfollow(userId: $id) { username followers { totalCount } } }';

describe('follow and unfollow', () => {
  it('follows once however often asked, and unfollows harmlessly twice', async () => {
    const fan = await f.user('fan');
    const star = await f.user('star');
    const id = toGlobalId('User', star);
    const first = await t.gql(FOLLOW, { id }, { userId: fan });
    expect(first.data?.follow).toEqual({ username: 'star', followers: { totalCount: 1 } });
    const again = await t.gql(FOLLOW, { id }, { userId: fan });
    expect(again.data?.follow).toEqual({ username: 'star', followers: { totalCount: 1 } });
    expect(
      await t.sql('select 1 from follow where follower_id = $1 and followee_id = $2', [fan, star]),
    ).toHaveLength(1);

    const off = await t.gql(UNFOLLOW, { id }, { userId: fan });
    expect(off.data?.unfollow).toEqual({ username: 'star', followers: { totalCount: 0 } });
    const offAgain = await t.gql(UNFOLLOW, { id }, { userId: fan });
    expect(offAgain.errors).toBeUndefined();
  });

  it('refuses following oneself, unknown users and anonymous callers', async () => {
    const me = await f.user('narcissus');
    expect(codes(await t.gql(FOLLOW, { id: toGlobalId('User', me) }, { userId: me }))).toEqual([
      'BAD_USER_INPUT',
    ]);
    expect(codes(await t.gql(FOLLOW, { id: toGlobalId('User', 808_080) }, { userId: me }))).toEqual([
      'NOT_FOUND',
    ]);
    expect(codes(await t.gql(UNFOLLOW, { id: toGlobalId('User', 808_080) }, { userId: me }))).toEqual([
      'NOT_FOUND',
    ]);
    expect(codes(await t.gql(FOLLOW, { id: toGlobalId('User', me) }))).toEqual(['UNAUTHENTICATED']);
  });
});

describe('followers and following', () => {
  it('lists both directions, most recent follow first', async () => {
    const hub = await f.user('hub');
    const a = await f.user('early_fan');
    const b = await f.user('late_fan');
    const c = await f.user('idol');
    await f.follow(a, hub, minute(1));
    await f.follow(b, hub, minute(2));
    await f.follow(hub, c, minute(3));
    await f.follow(hub, a, minute(4));
    const res = await t.gql(`{ user(id: "${toGlobalId('User', hub)}") {
      followers { totalCount nodes { username } }
      following { totalCount edges { node { username } } }
    } }`);
    expect(res.data?.user).toEqual({
      followers: { totalCount: 2, nodes: [{ username: 'late_fan' }, { username: 'early_fan' }] },
      following: {
        totalCount: 2,
        edges: [{ node: { username: 'early_fan' } }, { node: { username: 'idol' } }],
      },
    });
  });
});
