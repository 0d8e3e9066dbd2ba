import { BadUserInputError } from '../errors.js';

/** Largest value of a PostgreSQL `int4` primary key. */
const MAX_INT4 = 2_147_483_647;

/**
 * Builds the opaque global id of an object: base64url of `Type:primaryKey`.
 * Clients must treat it as opaque; only {@link fromGlobalId} reads it.
 */
export function toGlobalId(type: string, id: number | string): string {
  return Buffer.from(`${type}:${id}`, 'utf8').toString('base64url');
}

/** The global id of a row named `Type:primaryKey`, as the toolkit's results and audit events name rows. */
export function globalIdOfRef(ref: string): string {
  const [type, id] = ref.split(':') as [string, string];
  return toGlobalId(type, id);
}

/** Decodes a global id into its type name and integer key, or `null` when it is not one of ours. */
export function fromGlobalId(globalId: string): { type: string; id: number } | null {
  if (globalId.length === 0 || globalId.length > 64 || !/^[A-Za-z0-9_-]+$/.test(globalId)) return null;
  const decoded = Buffer.from(globalId, 'base64url').toString('utf8');
  const match = /^([A-Z][A-Za-z]*):([1-9][0-9]{0,9})$/.exec(decoded);
  if (!match) return null;
  const id = Number(match[2]);
  if (id > MAX_INT4) return null;
  return { type: match[1] as string, id };
}

/**
 * Reads the primary key out of a global id that must name an object of `type`.
 * @throws BadUserInputError when the id is malformed or names another type.
 */
export function parseGlobalId(globalId: string, type: string): number {
  const parsed = fromGlobalId(globalId);
  if (!parsed || parsed.type !== type) throw BadUserInputError.invalidId(type);
  return parsed.id;
}
