import {
  type Dictionary,
  type EntityMetadata,
  type EntityProperty,
  type MetadataStorage,
  ReferenceKind,
} from '@mikro-orm/core';
import type { SoftDeleteModel } from './soft-delete.model.js';

/** The name of the filter that hides tombstones; pass `{ [name]: false }` to see them. */
export const SOFT_DELETE_FILTER = 'softDelete';

/**
 * Installs the soft-delete filter, on by default, on every soft-deletable entity's metadata, and
 * on every other entity that requires a soft-deletable parent.
 *
 * A soft-deletable row is visible when it is not tombstoned: `deleted_at IS NULL`, nothing more,
 * which the live partial indexes answer alone. That is the whole rule because the database keeps
 * the invariant that a live row never has a tombstoned required or cascade parent (see
 * `invariant.sql.ts`), so "hidden because a parent is hidden" can never apply to a live row. An
 * entity without tombstones of its own (a follow edge) is hidden when a soft-deletable parent it
 * requires is tombstoned; MikroORM joins that parent in `find`, `count` and query builders alike.
 */
export function installSoftDeleteFilter(
  model: SoftDeleteModel,
  metadata: MetadataStorage,
  name = SOFT_DELETE_FILTER,
  enabled = true,
): void {
  for (const meta of metadata.getAll().values()) {
    if (meta.embeddable || meta.virtual) continue;
    // Entities without tombstones of their own (a follow edge) are hidden with a required parent.
    const visible = model.get(meta.className) ? visibleCondition() : requiredParentsCondition(model, meta);
    if (Object.keys(visible).length === 0) continue;
    meta.filters[name] = {
      name,
      // An entity manager made by `SoftDelete.forkIncludingDeleted()` carries `{ includeDeleted: true }`
      // as this filter's parameters; MikroORM offers no other per-fork switch for a default filter.
      cond: (params: SoftDeleteFilterParams | undefined) =>
        params?.includeDeleted || !enabled ? {} : visible,
      args: false,
      default: true,
    };
  }
}

/** The soft-delete filter's parameters. */
export interface SoftDeleteFilterParams {
  includeDeleted?: boolean;
}

function requiredParentsCondition(model: SoftDeleteModel, meta: EntityMetadata): Dictionary {
  const condition: Dictionary = {};
  for (const prop of Object.values(meta.properties) as EntityProperty[]) {
    if (prop.kind === ReferenceKind.MANY_TO_ONE && !prop.nullable && model.get(prop.type)) {
      condition[prop.name] = visibleCondition();
    }
  }
  return condition;
}

/** A soft-deletable row is visible when it is live; its parents are then live too (the invariant). */
function visibleCondition(): Dictionary {
  return { deletedAt: null };
}
