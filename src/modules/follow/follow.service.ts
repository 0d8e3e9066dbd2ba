import type { EntityManager } from '@mikro-orm/postgresql';
import type { Viewer } from '../../auth/viewer.js';
import type { ReadScope } from '../../context.js';
import type { ListSpec } from '../../db/list-loaders.js';
import { BadUserInputError, NotFoundError } from '../../errors.js';
import type { Connection, Page } from '../../graphql/connection.js';
import { nestedConnection } from '../../graphql/nested-connection.js';
import { required } from '../../graphql/required.js';
import { rowOf } from '../../soft-delete/index.js';
import type { UserRow } from '../rows.js';
import { User } from '../user/user.entity.js';
import { Follow } from './follow.entity.js';

/** Which side of the follow edges a list shows. */
export type FollowSide = 'followers' | 'following';

const LISTS = {
  followers: { entity: Follow, parent: 'followee', direction: 'desc' },
  following: { entity: Follow, parent: 'follower', direction: 'desc' },
} satisfies Record<FollowSide, ListSpec<Follow>>;

/**
 * A user's followers or followees, most recent follow first, batched across users: one page
 * query for the edges (the filter hides edges to hidden users), one lookup for the users.
 */
export async function listFollows(
  scope: ReadScope,
  userId: number,
  side: FollowSide,
  page: Page,
): Promise<Connection<UserRow>> {
  const other = side === 'followers' ? 'follower' : 'followee';
  const connection = await nestedConnection(scope, LISTS[side] as ListSpec<Follow>, userId, page);
  // The users behind the edges, in one batched lookup, made when `nodes` or `edges` is first
  // read: a list asked only for its `totalCount` looks no one up. The edges' filter already hid
  // edges to tombstoned users, so each is there. The connection itself is returned at once
  // (graphql-js awaits `nodes` and `edges`), so every parent's `totalCount` is asked for in the
  // same batch whether or not its list has users to look up.
  let users: Promise<UserRow[]> | undefined;
  const lookUp = () => {
    users ??= scope.loaders.user
      .loadMany(connection.nodes.map((edge) => edge[other] as number))
      .then((rows) => rows.map((user) => required(user instanceof Error ? null : user, 'User')));
    return users;
  };
  return {
    ...connection,
    get nodes() {
      return lookUp() as unknown as UserRow[];
    },
    edges: async () => {
      const rows = await lookUp();
      return (await connection.edges()).map((edge, i) => ({ ...edge, node: rows[i] as UserRow }));
    },
  };
}

/**
 * The viewer follows `userId`; doing it again changes nothing.
 * @throws NotFoundError for an unknown user, BadUserInputError for following oneself
 */
export async function follow(em: EntityManager, viewer: Viewer, userId: number): Promise<UserRow> {
  const followee = await findFollowee(em, viewer, userId);
  // ON CONFLICT DO NOTHING makes a concurrent double follow harmless too.
  await em
    .createQueryBuilder(Follow)
    .insert({ follower: viewer.userId, followee: followee.id, createdAt: new Date() })
    .onConflict(['follower', 'followee'])
    .ignore()
    .execute();
  return rowOf(em, followee);
}

/** The viewer stops following `userId`; harmless when they did not. @throws NotFoundError for an unknown user */
export async function unfollow(em: EntityManager, viewer: Viewer, userId: number): Promise<UserRow> {
  const followee = await findFollowee(em, viewer, userId);
  await em.nativeDelete(Follow, { follower: viewer.userId, followee: followee.id });
  return rowOf(em, followee);
}

async function findFollowee(em: EntityManager, viewer: Viewer, userId: number): Promise<User> {
  if (userId === viewer.userId) throw BadUserInputError.invalidField('userId', 'must be another user');
  const followee = await em.findOne(User, userId);
  if (!followee) throw NotFoundError.entity('User');
  return followee;
}
