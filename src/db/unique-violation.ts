import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { ConflictError } from '../errors.js';

/**
 * Runs `write` and translates a unique-constraint violation into a CONFLICT error naming the
 * field, using `fields` to map constraint names to what the client knows them as, and `conflict`
 * to word it. Any other error passes through unchanged.
 */
export async function translateUniqueViolation<T>(
  fields: Record<string, string>,
  write: () => Promise<T>,
  conflict: (field: string, options: { cause: unknown }) => ConflictError = ConflictError.taken,
): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (!(error instanceof UniqueConstraintViolationException)) throw error;
    const constraint = (error as { constraint?: string }).constraint ?? '';
    const field = fields[constraint];
    if (!field) throw error;
    throw conflict(field, { cause: error });
  }
}
