import type { EntityManager } from '@mikro-orm/postgresql';
import { DEMO_USERNAMES } from '../db/seeders/demo.seeder.js';
import { toGlobalId } from '../graphql/global-id.js';
import { User } from '../modules/user/user.entity.js';
import { Scope } from './scopes.js';
import { signToken, type TokenConfig } from './token.service.js';

/** What each demo user is for, and the scopes their development token carries. */
export const DEMO_ROLES: Record<(typeof DEMO_USERNAMES)[number], { role: string; scopes: string[] }> = {
  alice: { role: 'moderator', scopes: [Scope.moderate] },
  bob: { role: 'auditor', scopes: [Scope.auditRead] },
  carol: { role: 'administrator', scopes: [Scope.auditRead, Scope.moderate, Scope.purge] },
  dave: { role: 'user', scopes: [] },
};

/** A demo user's token, as `npm start` prints it and the console's development picker offers it. */
export interface DemoToken {
  username: string;
  role: string;
  scopes: string[];
  token: string;
}

/**
 * Signs a token for each demo user that exists (live), with their role's scopes. Development
 * only: it needs the HS256 secret, and returns nothing when tokens are verified against a JWKS.
 */
export async function demoTokens(em: EntityManager, config: TokenConfig, ttl = '12h'): Promise<DemoToken[]> {
  if (!config.secret) return [];
  const users = await em.find(User, { username: { $in: [...DEMO_USERNAMES] } }, { orderBy: { id: 'asc' } });
  return Promise.all(
    users.map(async (user) => {
      const { role, scopes } = DEMO_ROLES[user.username as keyof typeof DEMO_ROLES];
      const token = await signToken(config, { sub: toGlobalId('User', user.id), scopes, ttl });
      return { username: user.username, role, scopes, token };
    }),
  );
}
