import { type GraphQLSchema, getNamedType, isAbstractType, isObjectType } from 'graphql';
import { type SoftDeleteFieldExtension, softDeleteTypes } from './soft-delete.directive.js';
import type { SoftDelete } from './soft-delete.service.js';

/**
 * The startup cross-check between SDL and entities. Fails with every offender listed when:
 * - a `@softDelete` type has no entity, or one without the tombstone properties or the filter;
 * - an entity with the tombstone properties has no `@softDelete` type;
 * - a field that can return a soft-deletable object (directly, in a list, through an interface or
 *   union, or as a connection's `nodes` / `edges.node`) is not covered by the visibility guard,
 *   e.g. because it was added to the schema after the transformer ran.
 *
 * @param schema the schema after the `@softDelete` transformer
 * @param softDelete the toolkit instance of an initialised ORM
 */
export function assertSoftDeleteSetup(schema: GraphQLSchema, softDelete: SoftDelete): void {
  const problems: string[] = [];
  const { directiveName, types } = softDeleteTypes(schema);
  const { model } = softDelete;
  const covered = new Set<string>();

  for (const [typeName, declaration] of Object.entries(types)) {
    const entity = model.get(declaration.entity);
    if (!entity) {
      const exists = [...softDelete.metadata.getAll().values()].some(
        (meta) => meta.className === declaration.entity,
      );
      problems.push(
        exists
          ? `${typeName} is @${directiveName}, but entity ${declaration.entity} lacks the tombstone properties ` +
              '(spread tombstoneProperties() into it).'
          : `${typeName} is @${directiveName}, but there is no entity named ${declaration.entity} ` +
              `(name it with @${directiveName}(entity: "…")).`,
      );
      continue;
    }
    if (!entity.meta.filters[softDelete.filterName]?.default) {
      problems.push(`Entity ${entity.name} lacks the default "${softDelete.filterName}" filter.`);
    }
    covered.add(entity.name);
  }
  for (const entity of model.entities.values()) {
    if (!covered.has(entity.name)) {
      problems.push(
        `Entity ${entity.name} has tombstone properties, but no GraphQL type is marked @${directiveName}.`,
      );
    }
  }

  const softDeletable = new Set(Object.keys(types));
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const named = getNamedType(field.type);
      const reaches = isAbstractType(named)
        ? schema.getPossibleTypes(named).some((t) => softDeletable.has(t.name))
        : softDeletable.has(named.name);
      const guarded = (field.extensions?.softDelete as SoftDeleteFieldExtension | undefined)?.guarded;
      if (reaches && !guarded) {
        problems.push(
          `${type.name}.${field.name} can return ${named.name} but is not covered by the visibility guard.`,
        );
      }
    }
  }
  if (problems.length > 0) throw new Error(`Soft-delete setup is incomplete:\n- ${problems.join('\n- ')}`);
}
