import type { EntityManager } from '@mikro-orm/postgresql';
import type { Viewer } from '../../auth/viewer.js';
import type { ReadScope } from '../../context.js';
import type { ListSpec } from '../../db/list-loaders.js';
import { BadUserInputError, NotFoundError } from '../../errors.js';
import type { Connection, Page } from '../../graphql/connection.js';
import { nestedConnection } from '../../graphql/nested-connection.js';
import { User } from '../user/user.entity.js';
import { Follow } from './follow.entity.js';

/** Which side of the follow edges a list shows. */
export type FollowSide = 'followers' | 'following';

const LISTS = {
  followers: { entity: Follow, parent: 'followee', direction: 'desc', populate: ['follower'] },
  following: { entity: Follow, parent: 'follower', direction: 'desc', populate: ['followee'] },
} satisfies Record<FollowSide, ListSpec<Follow>>;

/** A user's followers or followees, most recent follow first, batched across users. */
export async function listFollows(
  scope: ReadScope,
  userId: number,
  side: FollowSide,
  page: Page,
): Promise<Connection<User>> {
  const other = side === 'followers' ? 'follower' : 'followee';
  return nestedConnection(scope, LISTS[side] as ListSpec<Follow>, userId, page, (follow) => follow[other]);
}

/**
 * The viewer follows `userId`; doing it again changes nothing.
 * @throws NotFoundError for an unknown user, BadUserInputError for following oneself
 */
export async function follow(em: EntityManager, viewer: Viewer, userId: number): Promise<User> {
  const followee = await findFollowee(em, viewer, userId);
  // ON CONFLICT DO NOTHING makes a concurrent double follow harmless too.
  await em
    .createQueryBuilder(Follow)
    .insert({ follower: viewer.userId, followee: followee.id, createdAt: new Date() })
    .onConflict(['follower', 'followee'])
    .ignore()
    .execute();
  return followee;
}

/** The viewer stops following `userId`; harmless when they did not. @throws NotFoundError for an unknown user */
export async function unfollow(em: EntityManager, viewer: Viewer, userId: number): Promise<User> {
  const followee = await findFollowee(em, viewer, userId);
  await em.nativeDelete(Follow, { follower: viewer.userId, followee: followee.id });
  return followee;
}

async function findFollowee(em: EntityManager, viewer: Viewer, userId: number): Promise<User> {
  if (userId === viewer.userId) throw BadUserInputError.invalidField('userId', 'must be another user');
  const followee = await em.findOne(User, userId);
  if (!followee) throw NotFoundError.entity('User');
  return followee;
}
