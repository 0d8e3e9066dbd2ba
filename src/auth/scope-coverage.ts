import {
  type GraphQLInterfaceType,
  type GraphQLSchema,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
} from 'graphql';
import { alwaysRequires, isPublic, requirementOf } from './scope.directives.js';

/** What the coverage check demands beyond "every root field is classified". */
export interface ScopeCoverageRules {
  /** Arguments, by name, that must be gated by a scope wherever they appear, e.g. `includeDeleted`. */
  gatedArguments: Record<string, string>;
  /** Fields, by name, that must be gated by a scope on every object type and interface. */
  gatedFields: Record<string, string>;
}

/**
 * The startup check, stricter than Redwood's: fails listing every offender when a root field
 * carries none of `@public`, `@authenticated`, `@requiresScopes`; when a gated argument lacks a
 * `@requiresScopes` that demands its scope in every alternative; when a gated field (on an
 * object type or an interface, however declared, `extend type` included) is not so gated by
 * itself or by its type; or when an argument gated anywhere has another default on an
 * implementation than on its interface.
 */
export function assertScopeCoverage(schema: GraphQLSchema, rules: ScopeCoverageRules): void {
  const problems: string[] = [];
  for (const root of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
    for (const field of Object.values(root?.getFields() ?? {})) {
      const classified =
        isPublic(schema, field) ||
        requirementOf(schema, field, '') !== undefined ||
        requirementOf(schema, root!, '');
      if (!classified)
        problems.push(`${root?.name}.${field.name} has none of @public, @authenticated, @requiresScopes.`);
    }
  }
  for (const type of Object.values(schema.getTypeMap())) {
    // Directives cannot gate input fields, and the pre-execution check does not look inside
    // input values: a gated name there would be a way around it.
    if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) {
        if (rules.gatedArguments[field.name]) {
          problems.push(
            `${type.name}.${field.name} must be a field argument, not an input field, to be gated.`,
          );
        }
      }
    }
    if ((!isObjectType(type) && !isInterfaceType(type)) || type.name.startsWith('__')) continue;
    const typeRule = requirementOf(schema, type, type.name);
    for (const field of Object.values(type.getFields())) {
      const scope = rules.gatedFields[field.name];
      const fieldRule = requirementOf(schema, field, `${type.name}.${field.name}`);
      if (scope && !alwaysRequires(fieldRule, scope) && !alwaysRequires(typeRule, scope)) {
        problems.push(`${type.name}.${field.name} must be gated by @requiresScopes(scopes: [["${scope}"]]).`);
      }
      for (const arg of field.args) {
        const argScope = rules.gatedArguments[arg.name];
        if (argScope && !alwaysRequires(requirementOf(schema, arg, ''), argScope)) {
          problems.push(
            `${type.name}.${field.name}(${arg.name}:) must be gated by @requiresScopes(scopes: [["${argScope}"]]).`,
          );
        }
      }
      if (isInterfaceType(type)) problems.push(...defaultMismatches(schema, type, field.name));
    }
  }
  if (problems.length > 0) throw new Error(`Access rules are incomplete:\n- ${problems.join('\n- ')}`);
}

/**
 * An argument left out takes its field's default, and whether a gated argument's requirement
 * applies depends on its value. The scope check reads a field selected on an interface with the
 * interface's defaults, while execution runs the implementation's field with its own: were they
 * to differ, `{ thing { f } }` could pass the check with `false` and run with `true`.
 */
function defaultMismatches(schema: GraphQLSchema, type: GraphQLInterfaceType, fieldName: string): string[] {
  const problems: string[] = [];
  const field = type.getFields()[fieldName];
  for (const implementation of schema.getPossibleTypes(type)) {
    const own = implementation.getFields()[fieldName];
    for (const arg of own?.args ?? []) {
      const declared = field?.args.find((a) => a.name === arg.name);
      if (!declared) continue;
      const gated =
        requirementOf(schema, arg, '') !== undefined || requirementOf(schema, declared, '') !== undefined;
      if (gated && JSON.stringify(arg.defaultValue) !== JSON.stringify(declared.defaultValue)) {
        problems.push(
          `${implementation.name}.${fieldName}(${arg.name}:) must have the default of ${type.name}.${fieldName}(${arg.name}:): the gate is judged with the interface's.`,
        );
      }
    }
  }
  return problems;
}
