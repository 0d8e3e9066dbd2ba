import type { GraphQLRequest } from '@apollo/server';
import {
  type DocumentNode,
  type GraphQLSchema,
  getNamedType,
  getVariableValues,
  Kind,
  type OperationDefinitionNode,
  type ValueNode,
  visit,
} from 'graphql';
import { defaultPageSize } from './connection.js';
import { walkOperation } from './operation-walker.js';

/** The shape of one operation as it would execute. */
export interface OperationSize {
  /** Deepest field path, leaves included, introspection fields left out. */
  depth: number;
  /**
   * Most rows the operation may ask lists to return: each connection field counts its `first`
   * times the rows of the connections above it.
   */
  objects: number;
  /** Aliased fields, counted as executed. */
  aliases: number;
  /**
   * The connection field that asks for the most rows (its `first` times the rows above it), by
   * response path (`posts.nodes.comments`), or `null` when the operation selects none.
   */
  largest: { path: string; rows: number } | null;
}

/** What {@link measureOperation} reads from Apollo's request context. */
export interface MeasuredRequest {
  request: GraphQLRequest;
  document: DocumentNode;
  operation?: OperationDefinitionNode | undefined;
  schema: GraphQLSchema;
}

/**
 * Keyed by Apollo's request object, which all plugin hooks of one request share: the limits and
 * the admission plugin judge the same walk, done once.
 */
const measured = new WeakMap<GraphQLRequest, OperationSize | 'too large' | 'unknown'>();

/**
 * Measures an operation with variables, defaults, fragments and `@skip`/`@include` applied.
 *
 * @returns the size; `'too large'` when the operation is too big to even walk; `'unknown'` when
 *   there is no operation or its variables are invalid (execution reports those precisely)
 */
export function measureOperation(context: MeasuredRequest): OperationSize | 'too large' | 'unknown' {
  const known = measured.get(context.request);
  if (known !== undefined) return known;
  const size = measure(context);
  measured.set(context.request, size);
  return size;
}

/**
 * Sizes already measured, per operation (Apollo keeps one parsed document per query text), by the
 * values of the variables that can change a size: a client sending the same query with other ids
 * costs no walk.
 */
const sizes = new WeakMap<OperationDefinitionNode, Map<string, OperationSize | 'too large'>>();
/** Sizes kept per operation at most (each distinct page size or `@skip` value is one). */
const SIZES_PER_OPERATION = 64;

function measure({ request, document, operation, schema }: MeasuredRequest) {
  if (!operation) return 'unknown';
  let known = sizes.get(operation);
  if (!known) {
    known = new Map();
    sizes.set(operation, known);
  }
  const names = sizeVariables(document);
  // A size that no variable can change is known without reading the variables (a lookup by id):
  // invalid ones are reported by execution, as they would be after any walk.
  const fixed = names.length === 0 ? known.get('[]') : undefined;
  if (fixed) return fixed;
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], request.variables ?? {});
  if (coerced.errors) return 'unknown';
  const key = JSON.stringify(names.map((name) => coerced.coerced[name] ?? null));
  const cached = known.get(key);
  if (cached) return cached;
  const { size, cacheable } = walk(schema, document, operation, coerced.coerced);
  if (cacheable && known.size < SIZES_PER_OPERATION) known.set(key, size);
  return size;
}

/** Per document, the variables a size can depend on. */
const variablesOfSize = new WeakMap<DocumentNode, string[]>();

/**
 * The variables that can change an operation's size: those given to a `first` argument or to
 * `@skip`/`@include`, anywhere in the document (fragments included). Other arguments (ids,
 * `includeDeleted`, text) change what rows come back, never how many a list may ask for.
 */
function sizeVariables(document: DocumentNode): string[] {
  let names = variablesOfSize.get(document);
  if (!names) {
    const found = new Set<string>();
    const collect = (value: ValueNode | undefined) => {
      if (value?.kind === Kind.VARIABLE) found.add(value.name.value);
    };
    visit(document, {
      Field(node) {
        for (const arg of node.arguments ?? []) if (arg.name.value === 'first') collect(arg.value);
      },
      Directive(node) {
        if (node.name.value !== 'skip' && node.name.value !== 'include') return;
        for (const arg of node.arguments ?? []) collect(arg.value);
      },
    });
    names = [...found].sort();
    variablesOfSize.set(document, names);
  }
  return names;
}

function walk(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
): { size: OperationSize | 'too large'; cacheable: boolean } {
  // A field whose arguments cannot be read is measured with its defaults and fails at execution;
  // that size holds for this request only, never for the same query with valid values.
  let cacheable = true;
  const size: OperationSize = { depth: 0, objects: 0, aliases: 0, largest: null };
  // Introspection keeps the alias and size counts but not the depth: the standard introspection
  // query is 15 fields deep.
  const initial = { rows: 1, introspection: false, path: '' };
  const complete = walkOperation(schema, document, operation, variables, initial, (visit, parent) => {
    if (!visit.argumentsValid) cacheable = false;
    const introspection = parent.introspection || visit.field.name.startsWith('__');
    if (!introspection) size.depth = Math.max(size.depth, visit.depth);
    if (visit.node.alias) size.aliases += 1;
    const key = (visit.node.alias ?? visit.node.name).value;
    const path = parent.path ? `${parent.path}.${key}` : key;
    const isConnection = getNamedType(visit.field.type).name.endsWith('Connection');
    // An explicit `first: null` reads as the field's default page size, as the resolvers read it.
    const first = visit.args.first ?? defaultPageSize(visit.field);
    if (!isConnection || typeof first !== 'number') return { rows: parent.rows, introspection, path };
    const rows = parent.rows * first;
    size.objects += rows;
    if (rows > (size.largest?.rows ?? -1)) size.largest = { path, rows };
    return { rows, introspection, path };
  });
  return { size: complete ? size : 'too large', cacheable };
}
