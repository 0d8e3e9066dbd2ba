import { type GraphQLSchema, isInputObjectType, isInterfaceType, isObjectType } from 'graphql';
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
 * `@requiresScopes` that demands its scope in every alternative; or when a gated field (on an
 * object type or an interface, however declared, `extend type` included) is not so gated by
 * itself or by its type.
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
    }
  }
  if (problems.length > 0) throw new Error(`Access rules are incomplete:\n- ${problems.join('\n- ')}`);
}
