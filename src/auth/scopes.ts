/** The scopes the server understands, as they appear in a token's `scope` claim. */
export const Scope = {
  /** Delete anyone's content and restore deleted content. */
  moderate: 'content:moderate',
  /** Hard-delete tombstoned batches. */
  purge: 'data:purge',
  /** See tombstones (`includeDeleted`) and the tombstone fields. */
  auditRead: 'audit:read',
} as const;
