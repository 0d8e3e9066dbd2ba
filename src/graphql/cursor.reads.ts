import { type GraphQLSchema, getNamedType, isObjectType } from 'graphql';
import { KEYSET_PROPERTIES } from '../db/keyset.js';

/** `rowProjections`' `reads`: per `Type.field`, the properties it reads, per entity type. */
export type DeclaredReads = Record<string, Record<string, readonly string[]>>;

/**
 * What cursors read, declared for `rowProjections`: a keyset cursor is made of a row's
 * `createdAt` and `id`, and only a connection's `edges` (a cursor per edge) and `pageInfo` (its
 * `endCursor`) encode one. So a list that shows neither reads no `createdAt` (a timestamp to
 * decode and parse on every row) unless the operation selects that field itself.
 *
 * Found in the schema rather than listed: every object type with `edges`, `nodes` and `pageInfo`
 * whose `nodes` are rows of an entity (`hasEntity`). A connection whose cursors are made of
 * something else (search, follows) only reads a column it does not need when it shows cursors.
 *
 * @param hasEntity whether a GraphQL object type's rows are read in part (have an entity)
 */
export function keysetCursorReads(
  schema: GraphQLSchema,
  hasEntity: (typeName: string) => boolean,
): DeclaredReads {
  const reads: DeclaredReads = {};
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type)) continue;
    const { edges, nodes, pageInfo } = type.getFields();
    if (!edges || !nodes || !pageInfo) continue;
    const node = getNamedType(nodes.type);
    if (!isObjectType(node) || !hasEntity(node.name)) continue;
    for (const field of ['edges', 'pageInfo'])
      reads[`${type.name}.${field}`] = { [node.name]: KEYSET_PROPERTIES };
  }
  return reads;
}
