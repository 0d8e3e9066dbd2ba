import { p } from '@mikro-orm/core';

/** The names of the tombstone properties, as entities declare them. */
export const TOMBSTONE_PROPERTIES = ['deletedAt', 'deletedBy', 'deleteReason', 'deleteBatch'] as const;

/** What a soft-deletable entity carries; see {@link tombstoneProperties}. */
export interface Tombstoned {
  deletedAt?: Date | null;
  deletedBy?: string | null;
  deleteReason?: string | null;
  deleteBatch?: string | null;
}

/**
 * The four tombstone columns every soft-deletable entity carries. Spread them into an entity's
 * `properties`; together with `@softDelete` on its GraphQL type that is all a type needs:
 *
 * ```ts
 * const TagSchema = defineEntity({
 *   name: 'Tag',
 *   properties: { id: p.integer().primary(), label: p.string(), ...tombstoneProperties() },
 * });
 * ```
 *
 * - `deletedAt`: when the row was tombstoned; `null` while it is live.
 * - `deletedBy`: the id of the actor who deleted it, kept as text rather than a foreign key so that
 *   the record survives the actor's own purge.
 * - `deleteReason`: the free-text reason the actor gave, if any.
 * - `deleteBatch`: the id of the deletion batch (one delete and everything it cascaded to).
 *
 * A function rather than a constant, because MikroORM property builders are mutable chains and
 * must not be shared between entities.
 */
export function tombstoneProperties() {
  return {
    deletedAt: p.datetime(3).nullable(),
    deletedBy: p.string().length(64).nullable(),
    deleteReason: p.text().nullable(),
    deleteBatch: p.uuid().nullable().index(),
  };
}

/** True for an entity object whose tombstone is set. */
export function isTombstoned(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as Tombstoned).deletedAt instanceof Date;
}
