import { UnauthenticatedError } from '../errors.js';

/**
 * Who is asking. `userId` is the primary key of an existing user; `scopes` come from the token's
 * space-separated `scope` claim.
 */
export interface Viewer {
  userId: number;
  scopes: ReadonlySet<string>;
}

/** True when the viewer holds `scope`. */
export function hasScope(viewer: Viewer | null, scope: string): boolean {
  return viewer?.scopes.has(scope) ?? false;
}

/**
 * Returns the viewer of a request that needs one.
 * @throws UnauthenticatedError for an anonymous request
 */
export function requireViewer(viewer: Viewer | null): Viewer {
  if (!viewer) throw UnauthenticatedError.required();
  return viewer;
}
