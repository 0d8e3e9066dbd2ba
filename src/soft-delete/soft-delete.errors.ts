import { CodedError } from './coded-error.js';

/**
 * Errors the toolkit's restore and purge raise, with the codes clients already know:
 * `NOT_FOUND` (unknown, or not the caller's to touch) and `CONFLICT` (the row's state forbids it).
 * `extensions.reason` names the rule; `extensions.target` the row to act on instead, if any.
 */
export class SoftDeleteError extends CodedError {
  private constructor(message: string, code: 'NOT_FOUND' | 'CONFLICT', reason: string, target?: string) {
    super(message, code, { extensions: { reason, ...(target ? { target } : {}) } });
  }

  /** Unknown, or hidden from this caller: the same answer, so it reveals nothing. */
  static notFound(type: string): SoftDeleteError {
    return new SoftDeleteError(`${type} not found.`, 'NOT_FOUND', 'NOT_FOUND');
  }

  static notDeleted(row: string): SoftDeleteError {
    return new SoftDeleteError(`${row} is not deleted.`, 'CONFLICT', 'NOT_DELETED');
  }

  static notRoot(row: string, root: string, rootId: string, action: 'restore' | 'purge'): SoftDeleteError {
    return new SoftDeleteError(
      `${row} was deleted together with ${root}; ${action} ${root} instead.`,
      'CONFLICT',
      'NOT_BATCH_ROOT',
      rootId,
    );
  }

  static parentDeleted(row: string, parent: string, parentId: string): SoftDeleteError {
    return new SoftDeleteError(
      `${row} cannot be restored while ${parent} is deleted; restore ${parent} first.`,
      'CONFLICT',
      'PARENT_DELETED',
      parentId,
    );
  }
}
