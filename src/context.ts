import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type DataLoader from 'dataloader';
import type { TokenVerifier } from './auth/token.service.js';
import type { Viewer } from './auth/viewer.js';
import { entityLoader } from './db/entity-loader.js';
import { UnauthenticatedError } from './errors.js';
import { fromGlobalId } from './graphql/global-id.js';
import { Comment } from './modules/comment/comment.entity.js';
import { Post } from './modules/post/post.entity.js';
import { User } from './modules/user/user.entity.js';

/** Per-request loaders; created with the request's entity manager and dropped with it. */
export interface Loaders {
  user: DataLoader<number, User | null>;
  post: DataLoader<number, Post | null>;
  comment: DataLoader<number, Comment | null>;
}

/** What every resolver receives. Nothing in it is shared between requests. */
export interface GraphQLContext {
  /** This request's own fork of the entity manager (its own identity map). */
  em: EntityManager;
  /** The authenticated user, or `null` for an anonymous request. */
  viewer: Viewer | null;
  loaders: Loaders;
}

/** What {@link createContext} needs from the running app. */
export interface ContextDependencies {
  orm: MikroORM;
  verifyToken: TokenVerifier;
}

/**
 * Builds a request's context. A request without an `Authorization` header is anonymous; one
 * with an invalid token, or a token for a user that does not exist, is refused with
 * UNAUTHENTICATED rather than silently treated as anonymous.
 */
export async function createContext(
  deps: ContextDependencies,
  authorization: string | undefined,
): Promise<GraphQLContext> {
  const em = deps.orm.em.fork();
  const loaders: Loaders = {
    user: entityLoader(em, User),
    post: entityLoader(em, Post),
    comment: entityLoader(em, Comment),
  };
  if (authorization === undefined || authorization === '') return { em, viewer: null, loaders };

  const claims = await deps.verifyToken(authorization);
  const subject = fromGlobalId(claims.sub);
  const user = subject?.type === 'User' ? await loaders.user.load(subject.id) : null;
  if (!user) throw UnauthenticatedError.invalidToken();
  return { em, viewer: { userId: user.id, scopes: new Set(claims.scopes) }, loaders };
}
