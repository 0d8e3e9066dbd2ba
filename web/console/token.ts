/** The scopes the console knows, and what each lets its user do here. */
export const CONSOLE_SCOPES = {
  'audit:read':
    'see the trash with who deleted each row, when and why; filter it by actor and time; read the audit log',
  'content:moderate': 'see the trash and restore deleted batches',
  'data:purge': 'purge deleted batches for good',
} as const;

/** What a signed-in token allows in the console. */
export interface Capabilities {
  /** `audit:read` or `content:moderate`: the trash at all. */
  trash: boolean;
  /** `audit:read`: who, when, why, the actor and time filters, history. */
  audit: boolean;
  /** `content:moderate`: restore. */
  restore: boolean;
  /** `data:purge` (with the trash to find rows in). */
  purge: boolean;
}

/** A token as the console reads it: the claims, unverified (the server verifies every request). */
export interface SignedInToken {
  raw: string;
  scopes: string[];
  /** Seconds since the epoch, when the token says. */
  expiresAt: number | undefined;
}

/**
 * Reads the claims of a JWT without verifying it: the console only decides what to show; the
 * server decides what is allowed.
 * @returns undefined for something that is not a JWT
 */
export function readToken(raw: string): SignedInToken | undefined {
  const token = raw.trim().replace(/^Bearer\s+/i, '');
  const payload = token.split('.')[1];
  if (token.split('.').length !== 3 || !payload) return undefined;
  try {
    const json = atob(payload.replaceAll('-', '+').replaceAll('_', '/'));
    const claims = JSON.parse(json) as { scope?: unknown; exp?: unknown };
    const scopes = typeof claims.scope === 'string' ? claims.scope.split(' ').filter(Boolean) : [];
    return { raw: token, scopes, expiresAt: typeof claims.exp === 'number' ? claims.exp : undefined };
  } catch {
    return undefined;
  }
}

/** What the token's scopes allow in the console. */
export function capabilitiesOf(token: SignedInToken): Capabilities {
  const has = (scope: keyof typeof CONSOLE_SCOPES) => token.scopes.includes(scope);
  const trash = has('audit:read') || has('content:moderate');
  return {
    trash,
    audit: has('audit:read'),
    restore: has('content:moderate'),
    purge: trash && has('data:purge'),
  };
}
