import {
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLObjectType,
  type GraphQLSchema,
  getNamedType,
  isAbstractType,
  isCompositeType,
  isUnionType,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/**
 * Every `Type.field` an operation may resolve: on the type it is selected on (an interface
 * too), and on each object type that may stand there, so a field selected on an interface counts
 * for each of its object types. Each argument the document writes for such a field is there too,
 * as `Type.field(name:)`, whatever its value. `@skip`/`@include` and argument values are ignored:
 * a superset, computed without variables, so it can be kept per parsed operation. Each named
 * fragment is walked once (on its own type condition), so fragments spread many times cost no more.
 */
export function operationCoordinates(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  document: DocumentNode,
): Set<string> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const selected = new Set<string>();
  // A fragment is walked on its own type condition wherever it is spread: once is enough.
  const walked = new Set<string>();
  const walk = (selectionSet: SelectionSetNode, parent: GraphQLCompositeType) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        if (name.startsWith('__')) continue;
        const objects: readonly GraphQLObjectType[] = isAbstractType(parent)
          ? schema.getPossibleTypes(parent)
          : [parent];
        for (const owner of [parent, ...objects]) {
          selected.add(`${owner.name}.${name}`);
          for (const argument of selection.arguments ?? [])
            selected.add(`${owner.name}.${name}(${argument.name.value}:)`);
        }
        const field = isUnionType(parent) ? undefined : parent.getFields()[name];
        const child = field ? getNamedType(field.type) : undefined;
        if (selection.selectionSet && child && isCompositeType(child)) walk(selection.selectionSet, child);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        if (type && isCompositeType(type)) walk(selection.selectionSet, type);
      } else {
        const fragment = fragments.get(selection.name.value);
        const type = fragment && schema.getType(fragment.typeCondition.name.value);
        const name = selection.name.value;
        if (!fragment || !type || !isCompositeType(type) || walked.has(name)) continue;
        walked.add(name);
        walk(fragment.selectionSet, type);
      }
    }
  };
  const root = schema.getRootType(operation.operation);
  if (root) walk(operation.selectionSet, root);
  return selected;
}
