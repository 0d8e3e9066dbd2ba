import { createRemoteJWKSet, type JWTPayload, jwtVerify, SignJWT } from 'jose';
import { UnauthenticatedError } from '../errors.js';
import { parseDuration } from './duration.js';

/** Longest token lifetime accepted or signed unless `JWT_MAX_TTL` says otherwise: 24 hours. */
export const DEFAULT_MAX_TOKEN_TTL_SECONDS = 86_400;

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
  /**
   * Longest lifetime a token may have, in seconds: `exp - iat` (or `exp - now` without `iat`).
   * Longer-lived tokens are refused, so a leaked token cannot stay valid for years.
   * @default 86400 (24 hours)
   */
  maxTtlSeconds?: number;
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
 * Anything but a well-formed, correctly signed, unexpired token with a `sub` and an `exp` at most
 * `maxTtlSeconds` after it was issued is rejected, all with the same UNAUTHENTICATED error.
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
    // Without `exp` a token would never expire.
    requiredClaims: ['exp'],
  };
  const maxTtl = config.maxTtlSeconds ?? DEFAULT_MAX_TOKEN_TTL_SECONDS;
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
    // jose has checked that `exp` (required) and `iat` (if present) are numbers. An `iat` in the
    // future must not stretch the lifetime, so the lifetime counts from now at the latest.
    const now = Math.floor(Date.now() / 1000);
    const issued = Math.min(payload.iat ?? now, now);
    if ((payload.exp as number) - issued > maxTtl) throw UnauthenticatedError.invalidToken();
    const scope = typeof payload.scope === 'string' ? payload.scope : '';
    return { sub: payload.sub, scopes: scope.split(' ').filter(Boolean) };
  };
}

/**
 * Signs an HS256 token the server accepts; used by `npm run token`, the demo log and tests.
 *
 * @param claims.ttl a duration such as `30m`, `12h` or `3600` (seconds); at most the config's
 *   `maxTtlSeconds`, since the server would refuse a longer-lived token. @default '1h'
 * @throws Error for a malformed TTL or one over the cap
 */
export async function signToken(
  config: TokenConfig,
  claims: { sub: string; scopes?: string[]; ttl?: string },
): Promise<string> {
  const ttl = parseDuration(claims.ttl ?? '1h');
  const maxTtl = config.maxTtlSeconds ?? DEFAULT_MAX_TOKEN_TTL_SECONDS;
  if (ttl === undefined || ttl <= 0) {
    throw new Error(`Invalid token TTL "${claims.ttl}": use e.g. 30m, 12h or 1d.`);
  }
  if (ttl > maxTtl) {
    throw new Error(
      `Token TTL ${claims.ttl} exceeds JWT_MAX_TTL (${maxTtl} seconds); the server would refuse it.`,
    );
  }
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT({ scope: (claims.scopes ?? []).join(' ') })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims.sub)
    .setIssuedAt(now)
    .setExpirationTime(now + ttl);
  if (config.issuer) jwt.setIssuer(config.issuer);
  if (config.audience) jwt.setAudience(config.audience);
  return jwt.sign(new TextEncoder().encode(requireSecret(config)));
}

function requireSecret(config: TokenConfig): string {
  if (!config.secret) throw new Error('An HS256 secret (JWT_SECRET) is needed to sign or verify tokens.');
  return config.secret;
}
