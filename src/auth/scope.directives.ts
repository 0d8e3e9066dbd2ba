import { getDirective } from '@graphql-tools/utils';
import {
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLFieldMap,
  type GraphQLInterfaceType,
  type GraphQLObjectType,
  type GraphQLSchema,
  isInterfaceType,
  isObjectType,
} from 'graphql';

/** The SDL of the scope directives, with Apollo Federation's semantics. */
export const scopeDirectivesTypeDefs = /* GraphQL */ `
  """
  Anyone may use this field, without a token. Every root field carries @public,
  @authenticated or @requiresScopes; the server refuses to start otherwise.
  """
  directive @public on FIELD_DEFINITION

  "Needs a valid bearer token."
  directive @authenticated on FIELD_DEFINITION | OBJECT | INTERFACE | ARGUMENT_DEFINITION

  """
  Needs scopes from the token's \`scope\` claim: the outer list is OR, each inner list AND, so
  \`[["a", "b"], ["c"]]\` means (a and b) or c. On a type it covers every field of the type; on an
  argument it applies when the argument is given a value other than null or false.
  """
  directive @requiresScopes(scopes: [[String!]!]!) on FIELD_DEFINITION | OBJECT | INTERFACE | ARGUMENT_DEFINITION
`;

/** One access rule, with the schema coordinate it comes from. */
export interface Requirement {
  /** e.g. `User.deletedAt`, `Query.users(includeDeleted:)` or `AuditEvent` */
  coordinate: string;
  /** Scope alternatives (OR of ANDs); an empty list means a token is enough. */
  anyOf: string[][];
}

type Annotated = GraphQLField<unknown, unknown> | GraphQLArgument | GraphQLObjectType | GraphQLInterfaceType;

/** The requirement a directive places on a field, argument or type, if any. */
export function requirementOf(
  schema: GraphQLSchema,
  node: Annotated,
  coordinate: string,
): Requirement | undefined {
  const scoped = getDirective(schema, node, 'requiresScopes')?.[0];
  if (scoped) return { coordinate, anyOf: scoped.scopes as string[][] };
  if (getDirective(schema, node, 'authenticated')?.[0]) return { coordinate, anyOf: [] };
  return undefined;
}

/** Whether a field is explicitly marked `@public`. */
export function isPublic(schema: GraphQLSchema, field: GraphQLField<unknown, unknown>): boolean {
  return Boolean(getDirective(schema, field, 'public')?.[0]);
}

/** Whether every alternative of a requirement includes `scope`. */
export function alwaysRequires(requirement: Requirement | undefined, scope: string): boolean {
  return Boolean(
    requirement && requirement.anyOf.length > 0 && requirement.anyOf.every((all) => all.includes(scope)),
  );
}

/** Whether a viewer with `scopes` meets a requirement (a token is assumed). */
export function satisfies(requirement: Requirement, scopes: ReadonlySet<string>): boolean {
  return (
    requirement.anyOf.length === 0 || requirement.anyOf.some((all) => all.every((scope) => scopes.has(scope)))
  );
}

/**
 * Every field's and argument's requirements, precomputed per schema. A field selected on an
 * interface carries the requirements of the interface field and of every implementation's field
 * and type, so that no fragment can reach a gated field through an ungated interface.
 */
export class ScopeRules {
  readonly #fields = new Map<string, Requirement[]>();
  readonly #arguments = new Map<string, { name: string; requirement: Requirement }[]>();
  /**
   * Per field, its gated arguments whose schema default already applies the requirement (a
   * default other than null or false): they gate the field even where no query writes them.
   */
  readonly #defaultGated = new Set<string>();
  /** Every gated argument's coordinate, `Type.field(name:)`, as `operationCoordinates` writes it. */
  readonly #gatedArguments = new Set<string>();

  constructor(schema: GraphQLSchema) {
    for (const type of Object.values(schema.getTypeMap())) {
      if ((!isObjectType(type) && !isInterfaceType(type)) || type.name.startsWith('__')) continue;
      for (const field of Object.values(type.getFields() as GraphQLFieldMap<unknown, unknown>)) {
        const owners: (GraphQLObjectType | GraphQLInterfaceType)[] = [type];
        if (isInterfaceType(type)) owners.push(...schema.getPossibleTypes(type));
        const requirements: Requirement[] = [];
        const args: { name: string; requirement: Requirement }[] = [];
        for (const owner of owners) {
          const ownerField = owner.getFields()[field.name];
          const typeRule = requirementOf(schema, owner, owner.name);
          if (typeRule) requirements.push(typeRule);
          if (!ownerField) continue;
          const fieldRule = requirementOf(schema, ownerField, `${owner.name}.${field.name}`);
          if (fieldRule) requirements.push(fieldRule);
          for (const arg of ownerField.args) {
            const argRule = requirementOf(schema, arg, `${owner.name}.${field.name}(${arg.name}:)`);
            if (!argRule) continue;
            args.push({ name: arg.name, requirement: argRule });
            this.#gatedArguments.add(`${type.name}.${field.name}(${arg.name}:)`);
            if (arg.defaultValue !== undefined && arg.defaultValue !== null && arg.defaultValue !== false)
              this.#defaultGated.add(`${type.name}.${field.name}`);
          }
        }
        // Implementations that demand what the interface already demands add nothing new.
        const distinct = requirements.filter(
          (rule, i) => requirements.findIndex((other) => sameScopes(other, rule)) === i,
        );
        this.#fields.set(`${type.name}.${field.name}`, distinct);
        this.#arguments.set(`${type.name}.${field.name}`, args);
      }
    }
  }

  /**
   * Whether an operation that selects these coordinates (see `operationCoordinates`: each
   * `Type.field`, and each `Type.field(name:)` whose argument it writes) can meet a requirement at
   * all, whatever the values of its variables: a gated field or type, a gated argument it writes
   * (even as a variable that turns out false), or one whose schema default applies it.
   */
  gatesAny(coordinates: ReadonlySet<string>): boolean {
    for (const coordinate of coordinates) {
      if ((this.#fields.get(coordinate)?.length ?? 0) > 0) return true;
      if (this.#defaultGated.has(coordinate) || this.#gatedArguments.has(coordinate)) return true;
    }
    return false;
  }

  /** The requirements of selecting `type.field` with `args`. */
  forSelection(typeName: string, fieldName: string, args: Record<string, unknown>): Requirement[] {
    const key = `${typeName}.${fieldName}`;
    const applied = (this.#arguments.get(key) ?? []).filter(
      ({ name }) => args[name] !== undefined && args[name] !== null && args[name] !== false,
    );
    return [...(this.#fields.get(key) ?? []), ...applied.map(({ requirement }) => requirement)];
  }
}

function sameScopes(a: Requirement, b: Requirement): boolean {
  return JSON.stringify(a.anyOf) === JSON.stringify(b.anyOf);
}
