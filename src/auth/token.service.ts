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
  scopes: readonly string[];
}

/** Verifies `Authorization` header values. */
export type TokenVerifier = (authorization: string) => Promise<VerifiedClaims>;

/** Most verified tokens remembered at once; the oldest is forgotten first. */
const VERIFIED_CACHE_SIZE = 10_000;
/**
 * Longest a verified token is taken on trust, in seconds (never past its `exp`): bounds how long
 * a token signed with a key an identity provider has since withdrawn from its JWKS still passes.
 */
const VERIFIED_CACHE_SECONDS = 60;
/** Longest token remembered, in characters: the cache's memory stays bounded (10,000 × 4 KB). */
const VERIFIED_CACHE_MAX_TOKEN = 4_096;

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
  // A client sends the same token with every request, and checking its signature (WebCrypto's
  // HMAC, or a JWKS key) cost 0.4 ms a request, a third of a small read's CPU. A token that
  // passed is remembered, by its exact text, until it expires (or for a minute at most); one
  // that failed is checked afresh each time, so garbage never fills the cache.
  const verified = new Map<string, { claims: VerifiedClaims; until: number }>();
  return async (authorization) => {
    const match = /^Bearer ([A-Za-z0-9_\-.]+)$/.exec(authorization.trim());
    if (!match) throw UnauthenticatedError.invalidToken();
    const token = match[1] as string;
    const known = verified.get(token);
    if (known) {
      if (Date.now() / 1000 < known.until) return known.claims;
      verified.delete(token);
    }
    let payload: JWTPayload;
    try {
      // jose's overloads differ only in the key type; both are valid here.
      ({ payload } = await jwtVerify(token, key as Uint8Array, options));
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
    // Frozen: one object answers every request that sends this token.
    const claims = Object.freeze({
      sub: payload.sub,
      scopes: Object.freeze(scope.split(' ').filter(Boolean)),
    });
    // jose refuses a token once `now >= exp`; the cache stops trusting it at the same instant.
    if (token.length <= VERIFIED_CACHE_MAX_TOKEN) {
      verified.set(token, {
        claims,
        until: Math.min(payload.exp as number, Date.now() / 1000 + VERIFIED_CACHE_SECONDS),
      });
      if (verified.size > VERIFIED_CACHE_SIZE) verified.delete(verified.keys().next().value as string);
    }
    return claims;
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
