import { defineEntity, p } from '@mikro-orm/core';
import { createdAtProperty } from '../../db/created-at.property.js';
import { tombstoneProperties } from '../../soft-delete/tombstone.properties.js';

const UserSchema = defineEntity({
  name: 'User',
  // `user` is a reserved word in PostgreSQL.
  tableName: 'users',
  properties: {
    id: p.integer().primary(),
    username: p.string().length(32),
    email: p.string().length(254),
    displayName: p.string().length(64),
    bio: p.text().nullable(),
    createdAt: createdAtProperty(),
    ...tombstoneProperties(),
  },
  // Unique among live users only, so a tombstoned account never blocks re-registration.
  uniques: [
    {
      name: 'users_username_live_unique',
      expression:
        'create unique index "users_username_live_unique" on "users" (lower("username")) where "deleted_at" is null',
    },
    { name: 'users_email_live_unique', properties: ['email'], where: { deletedAt: null } },
  ],
  indexes: [
    { name: 'users_created_at_id_index', properties: ['createdAt', 'id'] },
    { name: 'users_live_created_at_id_index', properties: ['createdAt', 'id'], where: { deletedAt: null } },
    { name: 'users_trash_index', properties: ['deletedAt'], where: { deletedAt: { $ne: null } } },
  ],
});

/** A microblog account. Usernames and emails are unique among live users (see the migrations). */
export class User extends UserSchema.class {}
UserSchema.setClass(User);
