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
 * The condition hides a row when it is tombstoned or when any parent it requires (a NOT NULL
 * many-to-one to a soft-deletable entity) is hidden, transitively: a comment on a post by a
 * deleted user is hidden although neither the comment nor the post is tombstoned, and so is a
 * follow edge from a deleted user. MikroORM joins what the condition names, in `find`,
 * `findOne`, `count` and relation loading alike.
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
    const visible = model.get(meta.className)
      ? visibleCondition(model, meta.className, new Set())
      : requiredParentsCondition(model, meta);
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
      condition[prop.name] = visibleCondition(model, prop.type, new Set());
    }
  }
  return condition;
}

function visibleCondition(model: SoftDeleteModel, entityName: string, path: Set<string>): Dictionary {
  const condition: Dictionary = { deletedAt: null };
  // A cycle of required relations cannot hold rows; stop rather than recurse forever.
  if (path.has(entityName)) return condition;
  path.add(entityName);
  for (const edge of model.require(entityName).parents) {
    if (edge.required) condition[edge.property] = visibleCondition(model, edge.parent, path);
  }
  path.delete(entityName);
  return condition;
}
