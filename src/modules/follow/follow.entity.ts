import { defineEntity, p } from '@mikro-orm/core';
import { createdAtProperty } from '../../db/created-at.property.js';
import { User } from '../user/user.entity.js';

const FollowSchema = defineEntity({
  name: 'Follow',
  properties: {
    id: p.integer().primary(),
    follower: () => p.manyToOne(User).deleteRule('cascade'),
    followee: () => p.manyToOne(User).deleteRule('cascade'),
    createdAt: createdAtProperty(),
  },
  uniques: [{ name: 'follow_follower_id_followee_id_unique', properties: ['follower', 'followee'] }],
  indexes: [
    { name: 'follow_followee_id_created_at_id_index', properties: ['followee', 'createdAt', 'id'] },
    { name: 'follow_follower_id_created_at_id_index', properties: ['follower', 'createdAt', 'id'] },
  ],
});

/**
 * A directed "follower follows followee" edge. Not soft-deletable: unfollowing removes the edge,
 * and edges of a tombstoned user are hidden through the user they point at.
 */
export class Follow extends FollowSchema.class {}
FollowSchema.setClass(Follow);
