import {
  type DocumentNode,
  type FieldDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLOutputType,
  type GraphQLSchema,
  getNamedType,
  getNullableType,
  type InputValueDefinitionNode,
  isAbstractType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  parse,
} from 'graphql';

/** The argument that shows an auditor tombstones too, on every list, count and lookup of them. */
export const INCLUDE_DELETED_ARGUMENT = 'includeDeleted';

/** What decides which fields take `includeDeleted`; see {@link fieldsTakingIncludeDeleted}. */
export interface IncludeDeletedRule {
  /** The `@softDelete` object types. */
  softDeletable: ReadonlySet<string>;
  /** The name of the directive marking counts of soft-deletable rows (`softDeleteCount`). */
  countDirective: string;
  /** Coordinates (`Query.trash`) that return soft-deletable rows yet take no argument, with why. */
  exempt: Readonly<Record<string, string>>;
}

/** A connection type: `edges`, `nodes` and `pageInfo`; an edge type: `cursor` and `node`. */
export function isConnectionOrEdge(type: GraphQLNamedType): boolean {
  if (!isObjectType(type)) return false;
  const fields = type.getFields();
  return ('edges' in fields && 'pageInfo' in fields) || ('cursor' in fields && 'node' in fields);
}

/** Whether a field carries the count directive (read from SDL, so it works before any transform). */
export function countedType(field: { astNode?: FieldDefinitionNode | null }, directive: string) {
  const node = field.astNode?.directives?.find((d) => d.name.value === directive);
  const of = node?.arguments?.find((arg) => arg.name.value === 'of')?.value;
  return node ? (of?.kind === Kind.STRING ? of.value : '') : undefined;
}

/**
 * The coordinates of every field whose value is a list, a count or a lookup of soft-deletable
 * rows: connections and lists of them anywhere but in mutation payloads' root fields, root fields
 * returning one (lookups such as `node`), and fields marked as counts. Each takes
 * `includeDeleted: Boolean = false`, and no other field does: a to-one field returns the stored
 * parent, so its value depends on the row it hangs from alone. Connection and edge types' own
 * fields (`totalCount`, `nodes`) follow the connection field's argument.
 */
export function fieldsTakingIncludeDeleted(schema: GraphQLSchema, rule: IncludeDeletedRule): Set<string> {
  const reaches = (named: GraphQLNamedType) =>
    isAbstractType(named)
      ? schema.getPossibleTypes(named).some((t) => rule.softDeletable.has(t.name))
      : rule.softDeletable.has(named.name);
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
  const takes = (field: GraphQLField<unknown, unknown>, root: boolean) =>
    countedType(field, rule.countDirective) !== undefined || returnsRows(field.type, root);

  const coordinates = new Set<string>();
  for (const type of Object.values(schema.getTypeMap())) {
    if ((!isObjectType(type) && !isInterfaceType(type)) || type.name.startsWith('__')) continue;
    if (isConnectionOrEdge(type)) continue;
    if (type === schema.getMutationType() || type === schema.getSubscriptionType()) continue;
    for (const field of Object.values(type.getFields())) {
      const coordinate = `${type.name}.${field.name}`;
      if (!(coordinate in rule.exempt) && takes(field, type === schema.getQueryType())) {
        coordinates.add(coordinate);
      }
    }
  }
  return coordinates;
}

/**
 * Adds `includeDeleted: Boolean = false` with `gate` (e.g. `@requiresScopes(…)`) to the fields at
 * `coordinates`, wherever the SDL declares them (`type`, `extend type`, interfaces). A field that
 * already declares the argument keeps it as written; the startup check then judges it.
 */
export function addIncludeDeletedArguments(
  documents: DocumentNode[],
  coordinates: ReadonlySet<string>,
  gate: string,
): DocumentNode[] {
  const argument = includeDeletedArgument(gate);
  const withArgument = (typeName: string, field: FieldDefinitionNode): FieldDefinitionNode => {
    if (!coordinates.has(`${typeName}.${field.name.value}`)) return field;
    if (field.arguments?.some((arg) => arg.name.value === INCLUDE_DELETED_ARGUMENT)) return field;
    return { ...field, arguments: [...(field.arguments ?? []), argument] };
  };
  return documents.map((document) => ({
    ...document,
    definitions: document.definitions.map((node) => {
      if (
        node.kind !== Kind.OBJECT_TYPE_DEFINITION &&
        node.kind !== Kind.OBJECT_TYPE_EXTENSION &&
        node.kind !== Kind.INTERFACE_TYPE_DEFINITION &&
        node.kind !== Kind.INTERFACE_TYPE_EXTENSION
      ) {
        return node;
      }
      return { ...node, fields: node.fields?.map((field) => withArgument(node.name.value, field)) };
    }),
  }));
}

function includeDeletedArgument(gate: string): InputValueDefinitionNode {
  const sdl = `type T { f(
    """
    Also show (or count) deleted rows; auditors only. False, the default: live rows only,
    whatever the fields above this one asked for.
    """
    ${INCLUDE_DELETED_ARGUMENT}: Boolean = false ${gate}
  ): Int }`;
  const definition = parse(sdl, { noLocation: true }).definitions[0];
  if (definition?.kind !== Kind.OBJECT_TYPE_DEFINITION) throw new Error('unreachable');
  return definition.fields?.[0]?.arguments?.[0] as InputValueDefinitionNode;
}
