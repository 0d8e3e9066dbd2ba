import { ApolloServer } from '@apollo/server';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scopeDirectivesTypeDefs } from '../src/auth/scope.directives.js';
import { scopeCheckPlugin } from '../src/auth/scope-check.plugin.js';
import type { Viewer } from '../src/auth/viewer.js';

// The plugin skips its walk for an operation that writes no gated argument and selects no gated
// field: these pin down what must still be walked, and so refused, without such a spelling.
const schema = makeExecutableSchema({
  typeDefs: [
    scopeDirectivesTypeDefs,
    /* GraphQL */ `
      interface Node { id: ID! }
      type Thing implements Node {
        id: ID!
        secret: String @requiresScopes(scopes: [["audit:read"]])
      }
      type Query {
        things(first: Int, includeDeleted: Boolean = false @requiresScopes(scopes: [["audit:read"]])): [Thing!]! @public
        "A gated argument whose default applies the requirement when a query leaves it out."
        trash(includeDeleted: Boolean = true @requiresScopes(scopes: [["audit:read"]])): [Thing!]! @public
        node(id: ID!): Node @public
      }
    `,
  ],
  resolvers: {
    Query: { things: () => [{ id: '1' }], trash: () => [{ id: '2' }], node: () => ({ id: '3' }) },
    Node: { __resolveType: () => 'Thing' },
  },
});

interface Context {
  viewer: Viewer | null;
}

let server: ApolloServer<Context>;
beforeAll(async () => {
  server = new ApolloServer<Context>({ schema, plugins: [scopeCheckPlugin<Context>((c) => c.viewer)] });
  await server.start();
});
afterAll(() => server.stop());

const auditor: Viewer = { userId: 1, scopes: new Set(['audit:read']) };
async function run(query: string, variables: Record<string, unknown> = {}, viewer: Viewer | null = null) {
  const response = await server.executeOperation({ query, variables }, { contextValue: { viewer } });
  if (response.body.kind !== 'single') throw new Error('expected a single result');
  const { data, errors } = response.body.singleResult;
  return { data, codes: (errors ?? []).map((e) => e.extensions?.code) };
}

describe('the scope check', () => {
  it('lets an anonymous list through when it leaves the gated argument out or writes it false', async () => {
    expect((await run('{ things(first: 2) { id } }')).data).toEqual({ things: [{ id: '1' }] });
    expect((await run('{ things(includeDeleted: false) { id } }')).codes).toEqual([]);
    const spelled = 'query($d: Boolean) { things(includeDeleted: $d) { id } }';
    expect((await run(spelled, { d: false })).codes).toEqual([]);
    expect((await run(spelled, {})).codes).toEqual([]);
  });

  it('refuses the gated argument given true, literally or through a variable, to an anonymous request', async () => {
    expect((await run('{ things(includeDeleted: true) { id } }')).codes).toEqual(['UNAUTHENTICATED']);
    // The same parsed operation, first with a harmless value, then with the gated one.
    const spelled = 'query($d: Boolean) { things(includeDeleted: $d) { id } }';
    expect((await run(spelled, { d: false })).codes).toEqual([]);
    expect((await run(spelled, { d: true })).codes).toEqual(['UNAUTHENTICATED']);
    expect((await run('query($d: Boolean = true) { things(includeDeleted: $d) { id } }')).codes).toEqual([
      'UNAUTHENTICATED',
    ]);
    expect((await run(spelled, { d: true }, auditor)).data).toEqual({ things: [{ id: '1' }] });
  });

  it('refuses a gated argument whose schema default applies it, though the query never writes it', async () => {
    expect((await run('{ trash { id } }')).codes).toEqual(['UNAUTHENTICATED']);
    expect((await run('{ trash(includeDeleted: false) { id } }')).codes).toEqual([]);
    expect((await run('{ trash { id } }', {}, auditor)).data).toEqual({ trash: [{ id: '2' }] });
  });

  it('refuses a gated field reached through an interface fragment', async () => {
    expect((await run('{ node(id: "3") { id ... on Thing { secret } } }')).codes).toEqual([
      'UNAUTHENTICATED',
    ]);
    expect((await run('{ node(id: "3") { id } }')).data).toEqual({ node: { id: '3' } });
  });
});
