import { type EntityMetadata, type MetadataStorage, ReferenceKind } from '@mikro-orm/core';
import {
  type DocumentNode,
  type GraphQLSchema,
  isInterfaceType,
  isObjectType,
  type OperationDefinitionNode,
} from 'graphql';
import { operationCoordinates } from './operation-coordinates.js';
import { rowFields } from './rows.js';
import { softDeleteTypes } from './soft-delete.directive.js';
import type { TOMBSTONE_PROPERTIES } from './tombstone.properties.js';

/**
 * The properties reads select, per entity class name, for one operation. An entity it does not
 * name is read whole ({@link rowFields}).
 */
export type RowProjection = ReadonlyMap<string, readonly string[]>;

/** How GraphQL fields relate to entity properties, beyond "a field reads the column of its name". */
export interface RowProjectionOptions {
  /**
   * The entity class behind a GraphQL object type, for the types whose rows may be read in part;
   * default: the `@softDelete` types' entities. Rows of any other entity are read whole.
   */
  entityOfType?: (typeName: string) => string | undefined;
  /**
   * Properties a field's resolver reads besides the one of its own name, by `Type.field`: a list
   * of properties of that type's entity (`{ 'User.avatarUrl': ['email'] }`), or, for a field of a
   * type without an entity of its own (an edge, a payload), lists per entity type
   * (`{ 'TombstoneEdge.label': { Post: ['title'] } }`). A field of an interface counts for each
   * of its object types. Unknown types, fields, entities or properties fail at startup.
   */
  reads?: Readonly<Record<string, readonly string[] | Readonly<Record<string, readonly string[]>>>>;
  /**
   * Properties every read selects whatever the operation asks (e.g. what cursors are made of,
   * when no field can be named that encodes them; otherwise declare them in `reads`).
   * @default []
   */
  alwaysRead?: readonly string[];
}

/** What one entity's rows may leave out, and what keeps each such property in. */
interface Prunable {
  /** The entity's whole row ({@link rowFields}), in order. */
  all: readonly string[];
  /** Per prunable property, the `Type.field` coordinates whose selection keeps it. */
  keptBy: Map<string, readonly string[]>;
}

/**
 * Plans which columns an operation's reads select, the way PostGraphile selects only what a query
 * asks for: a property that a GraphQL field of the same name exposes is read only when the
 * operation selects that field somewhere (on its type, through an interface or a fragment), or a
 * field that {@link RowProjectionOptions.reads declares} it. Everything else is always read: the
 * primary key, every parent's key (to-one fields, batching), `deletedAt` (the guard's),
 * {@link RowProjectionOptions.alwaysRead}, and any property no field of that name
 * exposes (a resolver or service may read it). The plan is one set per entity for the whole operation, so
 * every field that loads an entity still shares one statement per level.
 *
 * Plans are cached per parsed operation (Apollo Server keeps parsed documents), so one costs a
 * walk of the document the first time only.
 *
 * @returns the planner: an operation and its document's fragments in, a projection out
 */
export function rowProjections(
  schema: GraphQLSchema,
  metadata: MetadataStorage,
  options: RowProjectionOptions = {},
): (operation: OperationDefinitionNode, document: DocumentNode) => RowProjection {
  const entityOf = options.entityOfType ?? ((name: string) => softDeleteTypes(schema).types[name]?.entity);
  const alwaysRead = options.alwaysRead ?? [];
  const prunable = new Map<string, Prunable>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    const className = entityOf(type.name);
    const meta = className ? metadata.getByClassName(className, false) : undefined;
    if (!meta) continue;
    let entry = prunable.get(meta.className);
    if (!entry) {
      entry = { all: rowFields(meta), keptBy: new Map() };
      for (const name of entry.all) {
        if (mayPrune(meta, name) && !alwaysRead.includes(name)) entry.keptBy.set(name, []);
      }
      prunable.set(meta.className, entry);
    }
    const fields = type.getFields();
    for (const [name, keptBy] of entry.keptBy) {
      // A property no field of this type exposes may be read by any of its resolvers: kept.
      if (!fields[name]) entry.keptBy.delete(name);
      else entry.keptBy.set(name, [...keptBy, `${type.name}.${name}`]);
    }
  }
  for (const [coordinate, declared] of Object.entries(options.reads ?? {})) {
    const [typeName = '', fieldName = ''] = coordinate.split('.');
    const type = schema.getType(typeName);
    if (!(isObjectType(type) || isInterfaceType(type)) || !type.getFields()[fieldName])
      throw new Error(`rowProjections: "${coordinate}" in \`reads\` is no field of the schema.`);
    // Selections are recorded on object types: an interface's field is each implementation's.
    const coordinates = (isObjectType(type) ? [type] : schema.getPossibleTypes(type)).map(
      (object) => `${object.name}.${fieldName}`,
    );
    const perType: Readonly<Record<string, readonly string[]>> = Array.isArray(declared)
      ? { [typeName]: declared as readonly string[] }
      : (declared as Readonly<Record<string, readonly string[]>>);
    for (const [owner, properties] of Object.entries(perType)) {
      const className = entityOf(owner);
      const meta = className ? metadata.getByClassName(className, false) : undefined;
      if (!meta)
        throw new Error(`rowProjections: \`reads\` of "${coordinate}" names ${owner}, which has no entity.`);
      const entry = prunable.get(meta.className);
      for (const name of properties) {
        if (!meta.properties[name as never])
          throw new Error(
            `rowProjections: \`reads\` of "${coordinate}" names ${owner}.${name}, which does not exist.`,
          );
        const keptBy = entry?.keptBy.get(name);
        if (keptBy) entry?.keptBy.set(name, [...keptBy, ...coordinates]);
      }
    }
  }

  const plans = new WeakMap<OperationDefinitionNode, RowProjection>();
  return (operation, document) => {
    let plan = plans.get(operation);
    if (!plan) {
      const selected = operationCoordinates(schema, operation, document);
      const projection = new Map<string, readonly string[]>();
      for (const [className, { all, keptBy }] of prunable) {
        const kept = all.filter((name) => {
          const coordinates = keptBy.get(name);
          return coordinates === undefined || coordinates.some((c) => selected.has(c));
        });
        if (kept.length < all.length) projection.set(className, kept);
      }
      plan = projection;
      plans.set(operation, plan);
    }
    return plan;
  };
}

/**
 * Whether `name` is a plain column that only its own field reads (see {@link rowProjections}).
 * `deletedAt` is never left out: the soft-delete guard reads it on every row it passes. The other
 * tombstone columns follow the rule like any column: `deletedBy` and `deleteReason` are read when
 * their fields are selected (an auditor's list that shows neither reads neither, and on a
 * tombstoned row they are text to decode), and `deleteBatch`, which no field of its name exposes
 * (the trash reads it), is always read.
 */
function mayPrune(meta: EntityMetadata, name: string): boolean {
  const prop = meta.properties[name as never] as EntityMetadata['props'][number] | undefined;
  return prop !== undefined && prop.kind === ReferenceKind.SCALAR && !prop.primary && name !== GUARD_READS;
}

/** The tombstone property the guard reads on every row. */
const GUARD_READS: (typeof TOMBSTONE_PROPERTIES)[number] = 'deletedAt';
