import { createRemoteJWKSet, type JWTPayload, jwtVerify, SignJWT } from 'jose';
import { UnauthenticatedError } from '../errors.js';

/** How bearer tokens are verified. Exactly one of `secret` and `jwksUrl` is set. */
export interface TokenConfig {
  /** Shared HS256 secret. */
  secret?: string;
  /** URL of a JSON Web Key Set, for tokens signed by an external identity provider. */
  jwksUrl?: string;
  /** Required `iss` claim, when set. */
  issuer?: string;
  /** Required `aud` claim, when set. */
  audience?: string;
}

/** The claims the server relies on, taken from a verified token. */
export interface VerifiedClaims {
  /** The user's global id. */
  sub: string;
  scopes: string[];
}

/** Verifies `Authorization` header values. */
export type TokenVerifier = (authorization: string) => Promise<VerifiedClaims>;

/**
 * Builds a verifier for `Authorization: Bearer <JWT>` header values.
 * Anything but a well-formed, correctly signed, unexpired token with a `sub` is rejected.
 *
 * @example
 * const verify = createTokenVerifier({ secret: process.env.JWT_SECRET });
 * const { sub, scopes } = await verify(req.headers.authorization);
 */
export function createTokenVerifier(config: TokenConfig): TokenVerifier {
  const key = config.jwksUrl
    ? createRemoteJWKSet(new URL(config.jwksUrl))
    : new TextEncoder().encode(requireSecret(config));
  const options = {
    algorithms: config.jwksUrl ? undefined : ['HS256'],
    issuer: config.issuer,
    audience: config.audience,
  };
  return async (authorization) => {
    const match = /^Bearer ([A-Za-z0-9_\-.]+)$/.exec(authorization.trim());
    if (!match) throw UnauthenticatedError.invalidToken();
    let payload: JWTPayload;
    try {
      // jose's overloads differ only in the key type; both are valid here.
      ({ payload } = await jwtVerify(match[1] as string, key as Uint8Array, options));
    } catch {
      throw UnauthenticatedError.invalidToken();
    }
    if (typeof payload.sub !== 'string' || payload.sub.length === 0)
      throw UnauthenticatedError.invalidToken();
    const scope = typeof payload.scope === 'string' ? payload.scope : '';
    return { sub: payload.sub, scopes: scope.split(' ').filter(Boolean) };
  };
}

/**
 * Signs an HS256 token the server accepts; used by `npm run token`, the demo log and tests.
 *
 * @param ttl a jose time span such as `1h` or `30m`
 */
export async function signToken(
  config: TokenConfig,
  claims: { sub: string; scopes?: string[]; ttl?: string },
): Promise<string> {
  const jwt = new SignJWT({ scope: (claims.scopes ?? []).join(' ') })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims.sub)
    .setIssuedAt()
    .setExpirationTime(claims.ttl ?? '1h');
  if (config.issuer) jwt.setIssuer(config.issuer);
  if (config.audience) jwt.setAudience(config.audience);
  return jwt.sign(new TextEncoder().encode(requireSecret(config)));
}

function requireSecret(config: TokenConfig): string {
  if (!config.secret) throw new Error('An HS256 secret (JWT_SECRET) is needed to sign or verify tokens.');
  return config.secret;
}
