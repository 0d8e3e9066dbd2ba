import {
  type GraphQLNamedType,
  type GraphQLSchema,
  getNamedType,
  isAbstractType,
  isInterfaceType,
  isObjectType,
  isScalarType,
} from 'graphql';
import { countedType, fieldsTakingIncludeDeleted, INCLUDE_DELETED_ARGUMENT } from './include-deleted.js';
import { isGuarded, softDeleteTypes } from './soft-delete.directive.js';
import type { SoftDelete } from './soft-delete.service.js';

/**
 * The startup cross-check between SDL and entities. Fails with every offender listed when:
 * - a `@softDelete` type has no entity, or one without the tombstone properties or the filter;
 * - an entity with the tombstone properties has no `@softDelete` type;
 * - a field that can return a soft-deletable object (directly, in a list, through an interface or
 *   union, or as a connection's `nodes` / `edges.node`) is not covered by the visibility guard,
 *   e.g. because it was added to the schema after the transformer ran;
 * - a list, count or lookup of soft-deletable rows (see `fieldsTakingIncludeDeleted`) lacks
 *   `includeDeleted: Boolean = false`, or any other field takes an `includeDeleted` (a to-one
 *   field returns the stored parent: its value depends on the row it hangs from alone);
 * - a count directive names a type that is not `@softDelete`, or an exemption names no field.
 *
 * The directive's `augment` writes these arguments; this check verifies the schema it produced,
 * and schemas built without it.
 *
 * @param schema the schema after the `@softDelete` transformer
 * @param softDelete the toolkit instance of an initialised ORM
 */
export function assertSoftDeleteSetup(schema: GraphQLSchema, softDelete: SoftDelete): void {
  const problems: string[] = [];
  const { directiveName, countDirectiveName, types, exempt } = softDeleteTypes(schema);
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
  const reaches = (named: GraphQLNamedType) =>
    isAbstractType(named)
      ? schema.getPossibleTypes(named).some((t) => softDeletable.has(t.name))
      : softDeletable.has(named.name);
  problems.push(
    ...includeDeletedProblems(schema, { softDeletable, countDirective: countDirectiveName, exempt }),
  );
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const named = getNamedType(field.type);
      if (reaches(named) && !isGuarded(field)) {
        problems.push(
          `${type.name}.${field.name} can return ${named.name} but is not covered by the visibility guard.`,
        );
      }
    }
  }
  if (problems.length > 0) throw new Error(`Soft-delete setup is incomplete:\n- ${problems.join('\n- ')}`);
}

function includeDeletedProblems(
  schema: GraphQLSchema,
  rule: Parameters<typeof fieldsTakingIncludeDeleted>[1],
): string[] {
  const problems: string[] = [];
  const takes = fieldsTakingIncludeDeleted(schema, rule);
  for (const coordinate of Object.keys(rule.exempt)) {
    const [typeName, fieldName] = coordinate.split('.') as [string, string | undefined];
    const type = schema.getType(typeName);
    if (!fieldName || !(isObjectType(type) || isInterfaceType(type)) || !type.getFields()[fieldName]) {
      problems.push(`Exemption ${coordinate} names no field.`);
    }
  }
  for (const type of Object.values(schema.getTypeMap())) {
    if ((!isObjectType(type) && !isInterfaceType(type)) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const coordinate = `${type.name}.${field.name}`;
      const counted = countedType(field, rule.countDirective);
      if (counted !== undefined && !rule.softDeletable.has(counted)) {
        problems.push(
          `${coordinate} is @${rule.countDirective}(of: "${counted}"), which is not a soft-deletable type.`,
        );
      }
      const argument = field.args.find((arg) => arg.name === INCLUDE_DELETED_ARGUMENT);
      if (!takes.has(coordinate)) {
        if (argument) {
          problems.push(
            `${coordinate} takes ${INCLUDE_DELETED_ARGUMENT}, but is no list, count or lookup of soft-deletable rows ` +
              '(a to-one field returns the stored parent to whoever sees the row).',
          );
        }
      } else if (!argument) {
        problems.push(
          `${coordinate} can return soft-deletable rows but has no ${INCLUDE_DELETED_ARGUMENT} argument.`,
        );
      } else if (
        !isScalarType(argument.type) ||
        argument.type.name !== 'Boolean' ||
        argument.defaultValue !== false
      ) {
        problems.push(`${coordinate}(${INCLUDE_DELETED_ARGUMENT}:) must be Boolean = false.`);
      }
    }
  }
  return problems;
}
