import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  GraphQLIncludeDirective,
  type GraphQLSchema,
  GraphQLSkipDirective,
  getArgumentValues,
  getDirectiveValues,
  getNamedType,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  SchemaMetaFieldDef,
  type SelectionSetNode,
  TypeMetaFieldDef,
  TypeNameMetaFieldDef,
  typeFromAST,
} from 'graphql';

/** One field of the operation as it would execute, with fragments expanded. */
export interface FieldVisit {
  /** The type the field is selected on (a fragment's type condition, when inside one). */
  parentType: GraphQLCompositeType;
  field: GraphQLField<unknown, unknown>;
  node: FieldNode;
  /** Argument values with variables substituted and defaults applied; `{}` when they are invalid. */
  args: Record<string, unknown>;
  /** False when the arguments could not be read (execution reports them; `args` is then `{}`). */
  argumentsValid: boolean;
  /** 1 for a root field, its children 2, and so on. */
  depth: number;
}

/**
 * Calls `visit` for every field the operation selects, in document order, expanding named and
 * inline fragments and leaving out what `@skip`/`@include` exclude, so that checks see the
 * operation as it will execute, however it is written. `visit` receives the state its parent
 * returned and returns the state for the field's children.
 *
 * Introspection fields are visited too, so limits apply to introspection queries alike.
 *
 * @param maxVisits stops the walk (returning `false`) past this many visits, so that nested
 *   fragment spreads cannot make the walk itself expensive
 * @returns `true` when the whole operation was walked
 */
export function walkOperation<S>(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
  initial: S,
  visit: (field: FieldVisit, state: S) => S,
  maxVisits = 50_000,
): boolean {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const rootType = schema.getRootType(operation.operation);
  if (!rootType) return true;
  let visits = 0;

  const included = (node: Parameters<typeof getDirectiveValues>[1]): boolean =>
    getDirectiveValues(GraphQLSkipDirective, node, variables)?.if !== true &&
    getDirectiveValues(GraphQLIncludeDirective, node, variables)?.if !== false;

  const walk = (
    selectionSet: SelectionSetNode,
    parentType: GraphQLCompositeType,
    depth: number,
    state: S,
  ) => {
    for (const selection of selectionSet.selections) {
      // Every selection counts, skipped ones and fragment spreads included: a fragment spread
      // twice in each of n nested fragments is 2^n selections however little of it executes.
      if (++visits > maxVisits) return false;
      if (!included(selection)) continue;
      if (selection.kind === Kind.FIELD) {
        const field = fieldDefinition(schema, parentType, rootType, selection.name.value);
        if (!field) continue;
        let args: Record<string, unknown>;
        let argumentsValid = true;
        try {
          args = getArgumentValues(field, selection, variables);
        } catch {
          // Invalid arguments fail at execution with a precise error; judge the rest.
          args = {};
          argumentsValid = false;
        }
        const childState = visit({ parentType, field, node: selection, args, argumentsValid, depth }, state);
        const childType = getNamedType(field.type);
        if (selection.selectionSet && isCompositeType(childType)) {
          if (!walk(selection.selectionSet, childType, depth + 1, childState)) return false;
        }
      } else {
        const fragment =
          selection.kind === Kind.FRAGMENT_SPREAD ? fragments.get(selection.name.value) : selection;
        if (!fragment) continue;
        const condition = fragment.typeCondition ? typeFromAST(schema, fragment.typeCondition) : parentType;
        const type = condition && isCompositeType(condition) ? condition : parentType;
        if (!walk(fragment.selectionSet, type, depth, state)) return false;
      }
    }
    return true;
  };

  return walk(operation.selectionSet, rootType, 1, initial);
}

function fieldDefinition(
  schema: GraphQLSchema,
  parentType: GraphQLCompositeType,
  rootType: GraphQLCompositeType,
  name: string,
): GraphQLField<unknown, unknown> | undefined {
  if (name === '__typename') return TypeNameMetaFieldDef;
  if (parentType === rootType && parentType === schema.getQueryType()) {
    if (name === '__schema') return SchemaMetaFieldDef;
    if (name === '__type') return TypeMetaFieldDef;
  }
  return isObjectType(parentType) || isInterfaceType(parentType) ? parentType.getFields()[name] : undefined;
}
