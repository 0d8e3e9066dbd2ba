import { getDirective, MapperKind, mapSchema } from '@graphql-tools/utils';
import {
  buildASTSchema,
  concatAST,
  type DocumentNode,
  defaultFieldResolver,
  type GraphQLFieldConfig,
  type GraphQLFieldResolver,
  type GraphQLOutputType,
  GraphQLSchema,
  getNamedType,
  isAbstractType,
  isNonNullType,
  isObjectType,
  parse,
} from 'graphql';
import {
  addIncludeDeletedArguments,
  fieldsTakingIncludeDeleted,
  INCLUDE_DELETED_ARGUMENT,
} from './include-deleted.js';
import type { ScopeResolver } from './request-reads.js';
import type { CascadeCoordinate } from './soft-delete.model.js';
import { augmentWithTombstoneFields } from './tombstone.fields.js';
import { isTombstoned } from './tombstone.properties.js';

/** One `@softDelete` type as declared in SDL. */
export interface SoftDeleteTypeDeclaration {
  /** The MikroORM entity behind the type. */
  entity: string;
  /** `Child.relation` coordinates a delete of this type cascades along. */
  cascade: CascadeCoordinate[];
}

/** What the transformer leaves in `schema.extensions.softDelete`. */
export interface SoftDeleteSchemaExtension {
  directiveName: string;
  /** The directive marking counts of soft-deletable rows: `${directiveName}Count`. */
  countDirectiveName: string;
  /** Declarations by GraphQL type name. */
  types: Record<string, SoftDeleteTypeDeclaration>;
  /** Coordinates that return soft-deletable rows yet take no `includeDeleted`, with why. */
  exempt: Record<string, string>;
}

/** What a guarded field carries in `field.extensions.softDelete`. */
export interface SoftDeleteFieldExtension {
  guarded: true;
}

/** The tombstone fields the directive adds to every `@softDelete` type. */
export interface TombstoneFieldsOptions {
  /** The scalar `deletedAt` returns, e.g. `DateTime`. */
  timestampType: string;
  /** The type `deletedBy` returns, e.g. `User`. */
  actorType: string;
  /** Resolves `deletedBy` from the stored actor id; null when the actor is gone. */
  resolveActor: (actorId: string, context: unknown) => unknown;
  /** Interfaces `SoftDeletable` implements besides its own `id: ID!`, e.g. `['Node']`. */
  interfaces?: string[];
}

/** Options of {@link softDeleteDirective}. */
export interface SoftDeleteDirectiveOptions {
  /**
   * The request's reads (see `RequestReads`), from which the guard learns whether a field's value
   * may include tombstones. Without it, the guard lets none through.
   */
  reads?: (context: unknown) => ScopeResolver | undefined;
  /** Adds `isDeleted`, `deletedAt`, `deletedBy`, `deleteReason` and interface `SoftDeletable`. */
  tombstoneFields?: TombstoneFieldsOptions;
  /**
   * Directives appended to what only auditors may use: every `includeDeleted` argument and the
   * fields `deletedAt`, `deletedBy`, `deleteReason`, e.g. `@requiresScopes(scopes: [["audit:read"]])`;
   * who that is, is the app's call.
   * @default '' (no gate)
   */
  gate?: string;
  /**
   * Fields that return soft-deletable rows yet take no `includeDeleted`, by coordinate, each with
   * the reason (e.g. `{ 'Query.trash': 'lists tombstones only' }`).
   * @default {}
   */
  exempt?: Record<string, string>;
}

/** The tombstone fields the directive adds whose values only auditors may read (`isDeleted` is open). */
export const GATED_TOMBSTONE_FIELDS = ['deletedAt', 'deletedBy', 'deleteReason'] as const;

export { INCLUDE_DELETED_ARGUMENT };

/** The SDL of the directive, for a given directive name. */
export function softDeleteDirectiveTypeDefs(directiveName = 'softDelete'): string {
  return /* GraphQL */ `
    """
    Marks an object type as soft-deletable. Its entity must carry the tombstone columns
    (\`deletedAt\`, \`deletedBy\`, \`deleteReason\`, \`deleteBatch\`); from then on a tombstoned row,
    or a row whose required parent is hidden, is hidden from every field that could return it.
    Every list, count and lookup of the type gets \`includeDeleted: Boolean = false\`, and the type
    the \`SoftDeletable\` fields.
    """
    directive @${directiveName}(
      "The MikroORM entity behind the type, when its name differs from the type's."
      entity: String
      """
      Where a delete of this type cascades, as \`Child.relation\`: the child entity's many-to-one
      that points at this type. \`User @${directiveName}(cascade: ["Post.author"])\` tombstones a user's
      posts with the user, in the same batch.
      """
      cascade: [String!]
    ) on OBJECT

    """
    Marks a field that counts rows of a soft-deletable type (\`of\`) without listing them, such as
    \`commentCount: Int!\`: like every list of them, it gets \`includeDeleted: Boolean = false\`.
    """
    directive @${directiveName}Count(of: String!) on FIELD_DEFINITION
  `;
}

/**
 * The `@softDelete` directive in graphql-tools' style: `{ typeDefs, transformer }`.
 *
 * The transformer records every `@softDelete` type in `schema.extensions.softDelete` and wraps
 * every object field whose value can be a soft-deletable object (directly, in a list, through an
 * interface or union, and so inside connections' `nodes` and `edges.node`) with a guard: a
 * tombstone that reaches such a field despite the ORM filter is dropped from lists, turned into
 * null, or (on a non-null field) stopped with an internal error, so it never reaches the client.
 * It refuses to run twice on the same schema.
 *
 * @example
 * const { typeDefs, transformer } = softDeleteDirective('softDelete');
 * const schema = transformer(makeExecutableSchema({ typeDefs: [typeDefs, appTypeDefs], resolvers }));
 */
export function softDeleteDirective(directiveName = 'softDelete', options: SoftDeleteDirectiveOptions = {}) {
  const countDirectiveName = `${directiveName}Count`;
  const gate = options.gate ?? '';
  const exempt = options.exempt ?? {};
  // A field with the argument shows what it asks for (the argument is gated before execution);
  // any other field shows what the row (or connection) it hangs from was read in. Which of the
  // two a field is, is decided once per field, when the guard is made.
  const includeDeleted = (field: GraphQLFieldConfig<unknown, unknown>): IncludeDeleted =>
    field.args && INCLUDE_DELETED_ARGUMENT in field.args
      ? (_source, args) => args[INCLUDE_DELETED_ARGUMENT] === true
      : (source, _args, context) => options.reads?.(context)?.scopeOf(source).includesDeleted ?? false;
  return {
    typeDefs: softDeleteDirectiveTypeDefs(directiveName),
    /**
     * Writes the policy into the app's SDL, once for every type: adds the tombstone fields (and
     * interface `SoftDeletable`) to every `@softDelete` type, with their resolvers, and
     * `includeDeleted: Boolean = false` with the gate to every list, count and lookup of
     * soft-deletable rows (see `fieldsTakingIncludeDeleted`). What the SDL already declares is
     * left as written, for the startup check to judge.
     */
    augment(typeDefs: string[]): { typeDefs: DocumentNode[]; resolvers: Record<string, unknown> } {
      let documents = typeDefs.map((sdl) => parse(sdl, { noLocation: true }));
      let resolvers: Record<string, unknown> = {};
      if (options.tombstoneFields) {
        const added = augmentWithTombstoneFields(documents, directiveName, options.tombstoneFields, gate);
        documents = [...documents, ...added.typeDefs];
        resolvers = added.resolvers;
      }
      // A provisional schema (directives unchecked) answers which fields list or count the rows.
      const provisional = buildASTSchema(
        concatAST([parse(softDeleteDirectiveTypeDefs(directiveName)), ...documents]),
        { assumeValidSDL: true },
      );
      const softDeletable = new Set(
        Object.values(provisional.getTypeMap())
          .filter((type) => isObjectType(type) && getDirective(provisional, type, directiveName)?.[0])
          .map((type) => type.name),
      );
      const coordinates = fieldsTakingIncludeDeleted(provisional, {
        softDeletable,
        countDirective: countDirectiveName,
        exempt,
      });
      return { typeDefs: addIncludeDeletedArguments(documents, coordinates, gate), resolvers };
    },
    transformer(schema: GraphQLSchema): GraphQLSchema {
      if (schema.extensions?.softDelete) {
        throw new Error(`The @${directiveName} transformer has already been applied to this schema.`);
      }
      const types: Record<string, SoftDeleteTypeDeclaration> = {};
      for (const type of Object.values(schema.getTypeMap())) {
        if (!isObjectType(type)) continue;
        const args = getDirective(schema, type, directiveName)?.[0];
        if (!args) continue;
        types[type.name] = {
          entity: (args.entity as string | undefined) ?? type.name,
          cascade: (args.cascade as CascadeCoordinate[] | undefined) ?? [],
        };
      }
      const canBeSoftDeletable = (type: GraphQLOutputType) => {
        const named = getNamedType(type);
        if (isAbstractType(named)) return schema.getPossibleTypes(named).some((t) => t.name in types);
        return named.name in types;
      };
      const guarded = mapSchema(schema, {
        [MapperKind.OBJECT_FIELD]: (field) =>
          canBeSoftDeletable(field.type) ? guard(field, includeDeleted(field)) : field,
      });
      const extension: SoftDeleteSchemaExtension = { directiveName, countDirectiveName, types, exempt };
      return new GraphQLSchema({
        ...guarded.toConfig(),
        extensions: { ...guarded.extensions, softDelete: extension },
      });
    },
  };
}

/** The declarations the transformer recorded. @throws when it was not applied */
export function softDeleteTypes(schema: GraphQLSchema): SoftDeleteSchemaExtension {
  const extension = schema.extensions?.softDelete as SoftDeleteSchemaExtension | undefined;
  if (!extension) throw new Error('The @softDelete transformer has not been applied to this schema.');
  return extension;
}

/** The cascades declared in SDL, by entity name, as `SoftDelete` takes them. */
export function softDeleteCascades(schema: GraphQLSchema): Map<string, CascadeCoordinate[]> {
  return new Map(Object.values(softDeleteTypes(schema).types).map((d) => [d.entity, d.cascade]));
}

/** Whether one field's value may hold tombstones, for its source, arguments and context. */
type IncludeDeleted = (source: unknown, args: Record<string, unknown>, context: unknown) => boolean;

/** Every resolver the guard made: the setup check trusts these, not a flag a later transform keeps. */
const GUARDS = new WeakSet<object>();

/** Whether a field's resolver is the visibility guard (and not something that replaced it). */
export function isGuarded(field: { resolve?: unknown }): boolean {
  return typeof field.resolve === 'function' && GUARDS.has(field.resolve);
}

function guard(
  field: GraphQLFieldConfig<unknown, unknown>,
  includeDeleted: IncludeDeleted,
): GraphQLFieldConfig<unknown, unknown> {
  const { resolve = defaultFieldResolver } = field;
  const nonNull = isNonNullType(field.type);
  const guarded: GraphQLFieldResolver<unknown, unknown> = (source, args, context, info) => {
    const value = resolve(source, args, context, info);
    // Stay synchronous for synchronous resolvers: most guarded fields are plain property reads.
    if (!isPromiseLike(value)) return check(value, source, args, context, info.fieldName);
    return Promise.resolve(value).then((resolved) => check(resolved, source, args, context, info.fieldName));
  };
  const check = (
    value: unknown,
    source: unknown,
    args: Record<string, unknown>,
    context: unknown,
    name: string,
  ) => (includeDeleted(source, args, context) ? value : hideTombstones(value, nonNull, name));
  GUARDS.add(guarded);
  return {
    ...field,
    extensions: { ...field.extensions, softDelete: { guarded: true } satisfies SoftDeleteFieldExtension },
    resolve: guarded,
  };
}

function hideTombstones(value: unknown, nonNull: boolean, fieldName: string): unknown {
  if (Array.isArray(value)) {
    return value.some(isTombstoned) ? value.filter((item) => !isTombstoned(item)) : value;
  }
  if (!isTombstoned(value)) return value;
  if (nonNull)
    throw new Error(`The soft-delete guard stopped a tombstoned row at non-null field "${fieldName}".`);
  return null;
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}
