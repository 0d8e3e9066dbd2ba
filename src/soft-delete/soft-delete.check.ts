import {
  type GraphQLNamedType,
  type GraphQLOutputType,
  type GraphQLSchema,
  getNamedType,
  getNullableType,
  isAbstractType,
  isListType,
  isObjectType,
} from 'graphql';
import { INCLUDE_DELETED_ARGUMENT, isGuarded, softDeleteTypes } from './soft-delete.directive.js';
import type { SoftDelete } from './soft-delete.service.js';

/**
 * The startup cross-check between SDL and entities. Fails with every offender listed when:
 * - a `@softDelete` type has no entity, or one without the tombstone properties or the filter;
 * - an entity with the tombstone properties has no `@softDelete` type;
 * - a field that can return a soft-deletable object (directly, in a list, through an interface or
 *   union, or as a connection's `nodes` / `edges.node`) is not covered by the visibility guard,
 *   e.g. because it was added to the schema after the transformer ran;
 * - a query root field that can return a soft-deletable row, or any list or connection of them
 *   below the root, has no `includeDeleted` argument (to-one fields follow their parent and take
 *   none; connection and edge types' own fields are covered by the connection field).
 *
 * @param schema the schema after the `@softDelete` transformer
 * @param softDelete the toolkit instance of an initialised ORM
 * @param exempt coordinates (`Query.trash`) that need no `includeDeleted`, each with the reason
 */
export function assertSoftDeleteSetup(
  schema: GraphQLSchema,
  softDelete: SoftDelete,
  exempt: Record<string, string> = {},
): void {
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
  const reaches = (named: GraphQLNamedType) =>
    isAbstractType(named)
      ? schema.getPossibleTypes(named).some((t) => softDeletable.has(t.name))
      : softDeletable.has(named.name);
  problems.push(...missingIncludeDeleted(schema, reaches, exempt));
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

/** A connection type: `edges`, `nodes` and `pageInfo`; an edge type: `cursor` and `node`. */
function isConnectionOrEdge(type: GraphQLNamedType): boolean {
  if (!isObjectType(type)) return false;
  const fields = type.getFields();
  return ('edges' in fields && 'pageInfo' in fields) || ('cursor' in fields && 'node' in fields);
}

function missingIncludeDeleted(
  schema: GraphQLSchema,
  reaches: (type: GraphQLNamedType) => boolean,
  exempt: Record<string, string>,
): string[] {
  const problems: string[] = [];
  const queryType = schema.getQueryType();
  const returnsRows = (type: GraphQLOutputType, root: boolean): boolean => {
    const named = getNamedType(type);
    if (isConnectionOrEdge(named) && isObjectType(named)) {
      const { nodes, edges } = named.getFields();
      if (nodes && reaches(getNamedType(nodes.type))) return true;
      const edge = edges ? getNamedType(edges.type) : undefined;
      const node = edge && isObjectType(edge) ? edge.getFields().node : undefined;
      return node !== undefined && reaches(getNamedType(node.type));
    }
    return reaches(named) && (root || isListType(getNullableType(type)));
  };
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__') || isConnectionOrEdge(type)) continue;
    if (type === schema.getMutationType() || type === schema.getSubscriptionType()) continue;
    for (const field of Object.values(type.getFields())) {
      const coordinate = `${type.name}.${field.name}`;
      if (coordinate in exempt || !returnsRows(field.type, type === queryType)) continue;
      if (!field.args.some((arg) => arg.name === INCLUDE_DELETED_ARGUMENT)) {
        problems.push(
          `${coordinate} can return soft-deletable rows but has no ${INCLUDE_DELETED_ARGUMENT} argument.`,
        );
      }
    }
  }
  return problems;
}
