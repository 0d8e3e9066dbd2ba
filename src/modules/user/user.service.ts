import { type EntityManager, sql } from '@mikro-orm/postgresql';
import type { ReadScope } from '../../context.js';
import { translateUniqueViolation } from '../../db/unique-violation.js';
import type { Connection, Page } from '../../graphql/connection.js';
import { rootConnection } from '../../graphql/nested-connection.js';
import { readRows, rowQuery } from '../../soft-delete/index.js';
import { checkText } from '../../validation.js';
import type { UserRow } from '../rows.js';
import { User } from './user.entity.js';

/** What `register` accepts, before validation. */
export interface RegisterInput {
  username: string;
  email: string;
  displayName: string;
  bio?: string | null;
}

const USERNAME = { regex: /^[A-Za-z0-9_]+$/, description: 'letters, digits or underscores' };
const EMAIL = { regex: /^[^\s@]+@[^\s@]+\.[^\s@]+$/, description: 'an email address' };

/** Constraint names of the users table, as the client knows the fields. */
export const USER_UNIQUE_FIELDS = {
  users_username_live_unique: 'username',
  users_email_live_unique: 'email',
};

/** Finds a user by username, ignoring case, as the scope sees users. */
export async function findUserByUsername(scope: ReadScope, username: string): Promise<UserRow | null> {
  const qb = rowQuery(scope.em, User, 'r', scope.fields)
    .where({ [sql.lower('username')]: username.trim().toLowerCase() } as never)
    .limit(1);
  const [row] = await readRows(qb, 'User', scope.visibility);
  return row ?? null;
}

/** All users, newest first. */
export async function listUsers(scope: ReadScope, page: Page): Promise<Connection<UserRow>> {
  return rootConnection(scope, User, page, 'desc');
}

/**
 * Creates an account. Usernames are kept as typed and compared case-insensitively; emails are
 * stored lower-cased.
 * @throws BadUserInputError for invalid fields, ConflictError for a username or email already taken
 */
export async function registerUser(em: EntityManager, input: RegisterInput): Promise<User> {
  const user = em.create(User, {
    username: checkText('username', input.username, { min: 3, max: 32, pattern: USERNAME }),
    email: checkText('email', input.email, { min: 3, max: 254, pattern: EMAIL }).toLowerCase(),
    displayName: checkText('displayName', input.displayName, { min: 1, max: 64 }),
    bio: input.bio == null ? null : checkText('bio', input.bio, { min: 0, max: 500 }) || null,
  });
  await translateUniqueViolation(USER_UNIQUE_FIELDS, () => em.flush());
  return user;
}
