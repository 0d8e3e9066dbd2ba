import {
  type EntityMetadata,
  type EntityProperty,
  type MetadataStorage,
  ReferenceKind,
} from '@mikro-orm/core';
import { TOMBSTONE_PROPERTIES } from './tombstone.properties.js';

/** A many-to-one from one soft-deletable entity to another: the child points at its parent. */
export interface ParentEdge {
  /** The child entity's name, e.g. `Comment`. */
  child: string;
  /** The relation property on the child, e.g. `post`. */
  property: string;
  /** The foreign-key column on the child's table, e.g. `post_id`. */
  column: string;
  /** The parent entity's name, e.g. `Post`. */
  parent: string;
  /** A NOT NULL relation: a child of a hidden parent is hidden too. Otherwise it reads as null. */
  required: boolean;
  /** Deleting the parent tombstones the child in the same batch (declared with `@softDelete(cascade:)`). */
  cascades: boolean;
}

/** One soft-deletable entity as the toolkit sees it. */
export interface SoftDeletableEntity {
  name: string;
  table: string;
  /** The single primary-key column. */
  idColumn: string;
  meta: EntityMetadata;
  /** Relations to its parents. */
  parents: ParentEdge[];
  /** Relations from its children. */
  children: ParentEdge[];
}

/** A cascade as written in SDL: `Child.relation`, e.g. `Comment.post`. */
export type CascadeCoordinate = `${string}.${string}`;

/**
 * The soft-delete shape of an application: which entities carry tombstones, how they point at
 * each other and where deletes cascade. Built once from MikroORM's discovered metadata and the
 * cascades declared in SDL; every rule of the toolkit reads from it.
 */
export class SoftDeleteModel {
  readonly entities = new Map<string, SoftDeletableEntity>();
  /** Configuration mistakes found while building; {@link assertValid} throws them all at once. */
  readonly problems: string[] = [];

  /**
   * @param metadata MikroORM's discovered metadata
   * @param cascades for each parent entity, the `Child.relation` coordinates its deletes cascade along
   */
  constructor(metadata: MetadataStorage, cascades: ReadonlyMap<string, readonly CascadeCoordinate[]>) {
    for (const meta of metadata.getAll().values()) {
      if (meta.embeddable || meta.virtual) continue;
      const missing = TOMBSTONE_PROPERTIES.filter((name) => !(name in meta.properties));
      if (missing.length > 0 && missing.length < TOMBSTONE_PROPERTIES.length) {
        this.problems.push(
          `${meta.className} has some tombstone properties but lacks ${missing.join(', ')}.`,
        );
      }
      if (missing.length > 0) continue;
      if (meta.primaryKeys.length !== 1) {
        this.problems.push(`${meta.className} must have a single-column primary key to be soft-deletable.`);
        continue;
      }
      const pk = meta.properties[meta.primaryKeys[0] as string] as EntityProperty;
      this.entities.set(meta.className, {
        name: meta.className,
        table: meta.tableName,
        idColumn: pk.fieldNames[0] as string,
        meta,
        parents: [],
        children: [],
      });
    }
    for (const entity of this.entities.values()) {
      for (const prop of Object.values(entity.meta.properties) as EntityProperty[]) {
        if (prop.kind !== ReferenceKind.MANY_TO_ONE || !this.entities.has(prop.type)) continue;
        const edge: ParentEdge = {
          child: entity.name,
          property: prop.name,
          column: prop.fieldNames[0] as string,
          parent: prop.type,
          required: !prop.nullable,
          cascades: false,
        };
        entity.parents.push(edge);
        this.entities.get(prop.type)?.children.push(edge);
      }
    }
    for (const [parent, coordinates] of cascades) this.declareCascades(parent, coordinates);
  }

  /** The entity, or `undefined` when `name` is not soft-deletable. */
  get(name: string): SoftDeletableEntity | undefined {
    return this.entities.get(name);
  }

  /** The entity, for names already known to be soft-deletable. */
  require(name: string): SoftDeletableEntity {
    const entity = this.entities.get(name);
    if (!entity) throw new Error(`${name} is not a soft-deletable entity.`);
    return entity;
  }

  /** Throws every problem found, one per line, if there are any. */
  assertValid(): void {
    if (this.problems.length > 0) {
      throw new Error(`Soft-delete configuration is invalid:\n- ${this.problems.join('\n- ')}`);
    }
  }

  private declareCascades(parentName: string, coordinates: readonly CascadeCoordinate[]): void {
    const parent = this.entities.get(parentName);
    if (!parent) return; // reported by the schema cross-check, which knows the SDL type
    for (const coordinate of coordinates) {
      const [childName, property] = coordinate.split('.');
      const edge = parent.children.find((e) => e.child === childName && e.property === property);
      if (edge) {
        edge.cascades = true;
      } else {
        this.problems.push(
          `@softDelete on ${parentName} cascades along "${coordinate}", which is not a many-to-one from a ` +
            `soft-deletable entity to ${parentName}.`,
        );
      }
    }
  }
}

/** An entity is soft-deletable when it declares all four tombstone properties. */
export function isSoftDeletable(meta: EntityMetadata): boolean {
  return TOMBSTONE_PROPERTIES.every((name) => name in meta.properties);
}
