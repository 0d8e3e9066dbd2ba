import { makeExecutableSchema } from '@graphql-tools/schema';
import { describe, expect, it } from 'vitest';
import { scopeDirectivesTypeDefs } from '../../src/auth/scope.directives.js';
import { assertScopeCoverage } from '../../src/auth/scope-coverage.js';

const RULES = {
  gatedArguments: { includeDeleted: 'audit:read' },
  gatedFields: { deletedAt: 'audit:read', deleteReason: 'audit:read' },
};
const check = (sdl: string) =>
  assertScopeCoverage(makeExecutableSchema({ typeDefs: [scopeDirectivesTypeDefs, sdl] }), RULES);

describe('the scope coverage check', () => {
  it('passes when every root field is classified and every gated field and argument needs its scope', () => {
    expect(() =>
      check(/* GraphQL */ `
        interface Tomb { deletedAt: String @requiresScopes(scopes: [["audit:read"]]) }
        type Thing implements Tomb {
          deletedAt: String @requiresScopes(scopes: [["audit:read", "x"], ["audit:read"]])
        }
        type Audit @requiresScopes(scopes: [["audit:read"]]) { deleteReason: String }
        type Query {
          things(includeDeleted: Boolean @requiresScopes(scopes: [["audit:read"]])): [Thing] @public
          audit: Audit @authenticated
        }
      `),
    ).not.toThrow();
  });

  it('lists every offender: unclassified root fields, ungated arguments, ungated fields on types, interfaces and extensions', () => {
    let message = '';
    try {
      check(/* GraphQL */ `
        interface Tomb { deletedAt: String }
        type Thing implements Tomb { deletedAt: String @requiresScopes(scopes: [["audit:read"], ["content:moderate"]]) }
        extend type Thing { deleteReason: String }
        type Query {
          open: String
          things(includeDeleted: Boolean): [Thing] @public
          more(includeDeleted: Boolean @authenticated): [Thing] @public
        }
        type Mutation { act: Boolean @requiresScopes(scopes: [["x"]]) }
        input Filter { includeDeleted: Boolean }
      `);
    } catch (error) {
      message = (error as Error).message;
    }
    const [title, ...offenders] = message.split('\n');
    expect(title).toBe('Access rules are incomplete:');
    expect(offenders.sort()).toEqual(
      [
        '- Query.open has none of @public, @authenticated, @requiresScopes.',
        '- Filter.includeDeleted must be a field argument, not an input field, to be gated.',
        '- Tomb.deletedAt must be gated by @requiresScopes(scopes: [["audit:read"]]).',
        '- Thing.deletedAt must be gated by @requiresScopes(scopes: [["audit:read"]]).',
        '- Thing.deleteReason must be gated by @requiresScopes(scopes: [["audit:read"]]).',
        '- Query.things(includeDeleted:) must be gated by @requiresScopes(scopes: [["audit:read"]]).',
        '- Query.more(includeDeleted:) must be gated by @requiresScopes(scopes: [["audit:read"]]).',
      ].sort(),
    );
  });

  it('refuses an implementation whose gated argument has another default than its interface', () => {
    const gated = '@requiresScopes(scopes: [["audit:read"]])';
    const withDefaults = (onInterface: boolean, onImplementation: boolean) => /* GraphQL */ `
      interface I { f(includeDeleted: Boolean = ${onInterface} ${gated}): String }
      type T implements I { f(includeDeleted: Boolean = ${onImplementation} ${gated}): String }
      type Query { i: I @public }
    `;
    // The scope check reads `{ i { f } }` with I's default (false); execution would run T.f with true.
    expect(() => check(withDefaults(false, true))).toThrow(
      'T.f(includeDeleted:) must have the default of I.f(includeDeleted:)',
    );
    expect(() => check(withDefaults(false, false))).not.toThrow();
  });
});
