import { type DocumentNode, Kind, parse } from 'graphql';
import { ROW_ENTITY, type Tagged } from './rows.js';
import type { TombstoneFieldsOptions } from './soft-delete.directive.js';
import { isTombstoned, type Tombstoned } from './tombstone.properties.js';

/** The interface every soft-deletable type implements once augmented. */
export const SOFT_DELETABLE_INTERFACE = 'SoftDeletable';

function fieldsSdl(options: TombstoneFieldsOptions, gate: string): Record<string, string> {
  return {
    isDeleted: `"True once the row is deleted; only includeDeleted: true and a trash ever show such a row."
    isDeleted: Boolean!`,
    deletedAt: `"When the row was deleted; null while it is live."
    deletedAt: ${options.timestampType} ${gate}`,
    deletedBy: `"Who deleted the row; null while it is live, or once that actor is gone for good."
    deletedBy: ${options.actorType} ${gate}`,
    deleteReason: `"Why the row was deleted, as its deleter wrote it."
    deleteReason: String ${gate}`,
  };
}

/**
 * Appends interface `SoftDeletable` and, for every object type marked with the directive, an
 * `extend type … implements SoftDeletable` with whichever tombstone fields it does not declare
 * itself; `gate` (e.g. `@requiresScopes(…)`) is appended to the fields only auditors may read.
 * Returns the type definitions to add and the resolvers of the added fields.
 */
export function augmentWithTombstoneFields(
  documents: DocumentNode[],
  directiveName: string,
  options: TombstoneFieldsOptions,
  gate: string,
): { typeDefs: DocumentNode[]; resolvers: Record<string, unknown> } {
  const declared = new Map<string, Set<string>>();
  const softDeletable = new Set<string>();
  const typeOfEntity = new Map<string, string>();
  let interfaceDeclared = false;
  for (const definition of documents.flatMap((doc: DocumentNode) => doc.definitions)) {
    if (
      definition.kind === Kind.INTERFACE_TYPE_DEFINITION &&
      definition.name.value === SOFT_DELETABLE_INTERFACE
    ) {
      interfaceDeclared = true;
    }
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION)
      continue;
    const name = definition.name.value;
    const fields = declared.get(name) ?? new Set<string>();
    declared.set(name, fields);
    for (const field of definition.fields ?? []) fields.add(field.name.value);
    const directive = definition.directives?.find((d) => d.name.value === directiveName);
    if (!directive) continue;
    softDeletable.add(name);
    const entity = directive.arguments?.find((arg) => arg.name.value === 'entity')?.value;
    typeOfEntity.set(entity?.kind === Kind.STRING ? entity.value : name, name);
  }

  const sdl = fieldsSdl(options, gate);
  const added: string[] = [];
  if (!interfaceDeclared) {
    const interfaces = options.interfaces?.length ? ` implements ${options.interfaces.join(' & ')}` : '';
    added.push(`"""
    A row that can be deleted (tombstoned), restored and purged. Deleted rows are hidden from
    everyone but auditors, whose includeDeleted: true shows them with these fields. The
    @softDelete directive adds the interface and its fields to every soft-deletable type.
    """
    interface ${SOFT_DELETABLE_INTERFACE}${interfaces} {
      id: ID!
      ${Object.values(sdl).join('\n      ')}
    }`);
  }
  for (const type of softDeletable) {
    const missing = Object.entries(sdl).filter(([field]) => !declared.get(type)?.has(field));
    added.push(`extend type ${type} implements ${SOFT_DELETABLE_INTERFACE} {
      ${missing.map(([, field]) => field).join('\n      ')}
    }`);
  }

  const resolvers: Record<string, unknown> = {
    [SOFT_DELETABLE_INTERFACE]: {
      __resolveType: (row: Tagged) => typeOfEntity.get(row[ROW_ENTITY] ?? row.constructor.name) ?? null,
    },
  };
  for (const type of softDeletable) {
    resolvers[type] = {
      isDeleted: (row: Tombstoned) => isTombstoned(row),
      deletedBy: (row: Tombstoned, _args: unknown, context: unknown) =>
        row.deletedBy == null ? null : options.resolveActor(row.deletedBy, context),
    };
  }
  return { typeDefs: added.map((text) => parse(text, { noLocation: true })), resolvers };
}
