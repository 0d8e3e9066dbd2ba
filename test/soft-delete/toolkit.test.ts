import { randomBytes } from 'node:crypto';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { MapperKind, mapSchema } from '@graphql-tools/utils';
import { defineEntity, type EntityManager, p } from '@mikro-orm/core';
import { MikroORM, raw, type EntityManager as SqlEntityManager } from '@mikro-orm/postgresql';
import { type ExecutionResult, GraphQLList, GraphQLNonNull, type GraphQLObjectType, graphql } from 'graphql';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDatabaseIfMissing, dropDatabase, withDatabase } from '../../src/db/database.js';
import {
  AuditEvent,
  assertSoftDeleteSetup,
  cachedStatement,
  filteredStatement,
  SoftDelete,
  softDeleteCascades,
  softDeleteDirective,
  tombstoneProperties,
} from '../../src/soft-delete/index.js';

/*
 * The toolkit on a throwaway schema and entity of its own, as a developer adopting it would use
 * it: no code in here knows about tombstones except `...tombstoneProperties()` and `@softDelete`.
 */

const TagSchema = defineEntity({
  name: 'Tag',
  properties: { id: p.integer().primary(), label: p.string(), ...tombstoneProperties() },
});
class Tag extends TagSchema.class {}
TagSchema.setClass(Tag);

const PlainSchema = defineEntity({ name: 'Plain', properties: { id: p.integer().primary() } });
class Plain extends PlainSchema.class {}
PlainSchema.setClass(Plain);

const HalfSchema = defineEntity({
  name: 'Half',
  properties: { id: p.integer().primary(), deletedAt: p.datetime().nullable() },
});
class Half extends HalfSchema.class {}
HalfSchema.setClass(Half);

const TAG_SDL = /* GraphQL */ `
  type Tag @softDelete { id: Int! label: String! }
  type Query {
    tags: [Tag!]!
    tag(id: Int!): Tag
    "Deliberately reads around the filter, to show the guard."
    leakyTags: [Tag!]!
    leakyTag(id: Int!): Tag
  }
  type Mutation {
    createTag(label: String!): Tag!
    deleteTag(id: Int!): Boolean!
    restoreTag(id: Int!): Tag
  }
`;

interface Ctx {
  em: EntityManager;
  softDelete: SoftDelete;
}

const resolvers = {
  Query: {
    tags: (_: unknown, __: unknown, { em }: Ctx) => em.find(Tag, {}, { orderBy: { id: 'asc' } }),
    tag: (_: unknown, { id }: { id: number }, { em }: Ctx) => em.findOne(Tag, id),
    leakyTags: (_: unknown, __: unknown, { em, softDelete }: Ctx) =>
      softDelete.forkIncludingDeleted(em).find(Tag, {}, { orderBy: { id: 'asc' } }),
    leakyTag: (_: unknown, { id }: { id: number }, { em, softDelete }: Ctx) =>
      softDelete.forkIncludingDeleted(em).findOne(Tag, id),
  },
  Mutation: {
    createTag: async (_: unknown, { label }: { label: string }, { em }: Ctx) => {
      const tag = em.create(Tag, { label });
      await em.flush();
      return tag;
    },
    // A plain ORM remove: the toolkit turns it into a tombstone.
    deleteTag: async (_: unknown, { id }: { id: number }, { em }: Ctx) => {
      em.remove(await em.findOneOrFail(Tag, id));
      await em.flush();
      return true;
    },
    restoreTag: async (_: unknown, { id }: { id: number }, { em, softDelete }: Ctx) => {
      await softDelete.restore(em, 'Tag', id, { actor: null });
      return em.fork().findOne(Tag, id);
    },
  },
};

/** The schema as an adopter builds it: `augment` writes the includeDeleted arguments (unless `raw`). */
function buildTagSchema(sdl = TAG_SDL, raw = false) {
  const directive = softDeleteDirective('softDelete');
  const typeDefs = raw ? [sdl] : directive.augment([sdl]).typeDefs;
  const schema = makeExecutableSchema({ typeDefs: [directive.typeDefs, ...typeDefs], resolvers });
  return { directive, schema: directive.transformer(schema) };
}

async function initOrm(clientUrl: string, entities: unknown[], softDelete: SoftDelete) {
  return MikroORM.init({
    clientUrl,
    entities: entities as never[],
    allowGlobalContext: false,
    ...softDelete.ormOptions(),
  });
}

let adminUrl: string;
let databaseUrl: string;
let databaseName: string;
beforeAll(async () => {
  adminUrl = inject('adminDatabaseUrl');
  databaseName = `tombstone_toolkit_${randomBytes(4).toString('hex')}`;
  await createDatabaseIfMissing(adminUrl, databaseName);
  databaseUrl = withDatabase(adminUrl, databaseName);
});
afterAll(async () => {
  await dropDatabase(adminUrl, databaseName);
});

describe('adding soft delete to a new type', () => {
  let orm: MikroORM;
  let softDelete: SoftDelete;
  let run: (source: string, variables?: Record<string, unknown>) => Promise<ExecutionResult>;

  beforeAll(async () => {
    const { schema } = buildTagSchema();
    softDelete = new SoftDelete({ cascades: softDeleteCascades(schema) });
    orm = await initOrm(databaseUrl, [Tag, AuditEvent], softDelete);
    await orm.schema.create();
    assertSoftDeleteSetup(schema, softDelete);
    run = (source, variableValues) =>
      graphql({
        schema,
        source,
        variableValues,
        contextValue: { em: orm.em.fork(), softDelete } satisfies Ctx,
      });
  });
  afterAll(() => orm?.close());

  it('hides, deletes and restores it with no other code', async () => {
    const created = await run('mutation { a: createTag(label: "a") { id } b: createTag(label: "b") { id } }');
    const { a, b } = created.data as { a: { id: number }; b: { id: number } };
    expect((await run('{ tags { label } }')).data).toEqual({ tags: [{ label: 'a' }, { label: 'b' }] });

    expect((await run('mutation($id: Int!) { deleteTag(id: $id) }', { id: a.id })).errors).toBeUndefined();
    expect((await run('{ tags { label } }')).data).toEqual({ tags: [{ label: 'b' }] });
    expect((await run('query($id: Int!) { tag(id: $id) { label } }', { id: a.id })).data).toEqual({
      tag: null,
    });
    const [row] = await orm.em
      .fork()
      .getConnection()
      .execute('select deleted_at, delete_batch from tag where id = ?', [a.id]);
    expect(Date.parse(row.deleted_at)).toBeGreaterThan(Date.now() - 60_000);
    expect(row.delete_batch).toMatch(/^[0-9a-f-]{36}$/);
    const [event] = await orm.em
      .fork()
      .getConnection()
      .execute('select action, entity_type, row_count from soft_delete_audit');
    expect(event).toEqual({ action: 'delete', entity_type: 'Tag', row_count: 1 });

    const restored = await run('mutation($id: Int!) { restoreTag(id: $id) { label } }', { id: a.id });
    expect(restored.data).toEqual({ restoreTag: { label: 'a' } });
    expect((await run('{ tags { label } }')).data).toEqual({ tags: [{ label: 'a' }, { label: 'b' }] });
    expect(b.id).toBeGreaterThan(a.id);
  });

  it('gets includeDeleted: Boolean = false, with the gate, on every list, count and lookup, and on no to-one field', () => {
    const directive = softDeleteDirective('softDelete', { gate: '@deprecated(reason: "gate")' });
    const sdl = `${TAG_SDL}
      type Label { tag: Tag! tags: [Tag!]! tagCount: Int! @softDeleteCount(of: "Tag") }
      extend type Query { label: Label }`;
    const schema = makeExecutableSchema({
      typeDefs: [directive.typeDefs, ...directive.augment([sdl]).typeDefs],
      resolvers: { Query: resolvers.Query },
    });
    const takes = (type: string, field: string) => {
      const arg = (schema.getType(type) as GraphQLObjectType).getFields()[field]?.args[0];
      return (
        arg && `${arg.name}: ${arg.type} = ${arg.defaultValue} @${arg.astNode?.directives?.[0]?.name.value}`
      );
    };
    const added = 'includeDeleted: Boolean = false @deprecated';
    expect(takes('Query', 'tags')).toBe(added);
    expect(takes('Label', 'tags')).toBe(added);
    expect(takes('Label', 'tagCount')).toBe(added);
    expect((schema.getType('Query') as GraphQLObjectType).getFields().tag?.args.map((a) => a.name)).toEqual([
      'id',
      'includeDeleted',
    ]);
    expect(takes('Label', 'tag')).toBeUndefined();
    expect(takes('Query', 'label')).toBeUndefined();
  });

  it('builds a filtered statement once per mode and shape, and runs it with any arguments', async () => {
    const { data } = await run('mutation { createTag(label: "cached") { id } }');
    const id = (data as { createTag: { id: number } }).createTag.id;
    await run('mutation($id: Int!) { deleteTag(id: $id) }', { id });
    let builds = 0;
    const byLabel = (em: SqlEntityManager) => (label: unknown) => {
      builds++;
      return em.createQueryBuilder(Tag, 't').select('id').where('"t"."label" = ?', [label]);
    };
    const rows = async (em: SqlEntityManager, mode: 'live' | 'all', label: string) => {
      const statement = await cachedStatement(em, mode, 'tag by label', byLabel(em), [label]);
      return em.getConnection().execute(statement.sql, statement.params);
    };
    const live = orm.em.fork();
    const all = softDelete.forkIncludingDeleted(orm.em.fork());
    expect(await rows(live, 'live', 'cached')).toEqual([]);
    expect(await rows(all, 'all', 'cached')).toEqual([{ id }]);
    expect(await rows(live, 'live', 'nothing')).toEqual([]);
    expect(await rows(all, 'all', 'nothing')).toEqual([]);
    expect(await rows(all, 'all', 'cached')).toEqual([{ id }]);
    expect(builds).toBe(2);
    // A fragment that writes its argument into the SQL would make one statement serve one text.
    await expect(
      cachedStatement(
        live,
        'live',
        'tag by raw label',
        (label) => live.createQueryBuilder(Tag, 't').where(raw('"t"."label" = ?', [label])),
        ['x'],
      ),
    ).rejects.toThrow('The statement "tag by raw label" must take each of its arguments as a parameter.');
  });

  it('writes a statement without arguments out whole, so that PostgreSQL keeps one plan for it', async () => {
    const live = orm.em.fork();
    const first = await filteredStatement(live, 'live', 'first tags', () =>
      live.createQueryBuilder(Tag, 't').orderBy({ id: 'desc' }).limit(21),
    );
    // With `limit $1` bound to 21, PostgreSQL plans afresh at every execution wherever a plan for
    // an unknown limit looks dearer than one for 21 (the bench's first pages).
    expect(first.params).toEqual([]);
    expect(first.sql).toMatch(/"t"\."deleted_at" is null .*limit 21$/);
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      for (let i = 0; i < 8; i++) await client.query({ name: 'first_tags', text: first.sql, values: [] });
      const { rows } = await client.query(
        "select generic_plans::int, custom_plans::int from pg_prepared_statements where name = 'first_tags'",
      );
      expect(rows).toEqual([{ generic_plans: 8, custom_plans: 0 }]);
    } finally {
      await client.end();
    }
  });

  it('refuses to remove a tombstone again, which would hard-delete it', async () => {
    const { data } = await run('mutation { createTag(label: "twice") { id } }');
    const id = (data as { createTag: { id: number } }).createTag.id;
    await run('mutation($id: Int!) { deleteTag(id: $id) }', { id });
    const em = softDelete.forkIncludingDeleted(orm.em.fork());
    em.remove(await em.findOneOrFail(Tag, id));
    await expect(em.flush()).rejects.toThrow(
      `Tag ${id} is already deleted; purge it with SoftDelete.purge() instead.`,
    );
    const rows = await orm.em.fork().getConnection().execute('select deleted_at from tag where id = ?', [id]);
    expect(rows).toHaveLength(1);
  });

  it('guards every field that can return it: a tombstone that gets past the filter never reaches the client', async () => {
    const { data } = await run('mutation { createTag(label: "doomed") { id } }');
    const id = (data as { createTag: { id: number } }).createTag.id;
    await run('mutation($id: Int!) { deleteTag(id: $id) }', { id });
    const leaky = await run('query($id: Int!) { leakyTags { label } leakyTag(id: $id) { label } }', { id });
    expect(leaky.errors).toBeUndefined();
    const seen = leaky.data as { leakyTags: { label: string }[]; leakyTag: unknown };
    expect(seen.leakyTags.map((tag) => tag.label)).toEqual(['a', 'b']);
    expect(seen.leakyTag).toBeNull();
  });
});

describe('the startup cross-check', () => {
  const check = async (
    sdl: string,
    entities: unknown[],
    mutate = (s: ReturnType<typeof buildTagSchema>['schema']) => s,
    raw = false,
  ) => {
    const { schema } = buildTagSchema(sdl, raw);
    const softDelete = new SoftDelete({ cascades: softDeleteCascades(schema) });
    const orm = await initOrm(databaseUrl, [...entities, AuditEvent], softDelete);
    try {
      assertSoftDeleteSetup(mutate(schema), softDelete);
    } finally {
      await orm.close();
    }
  };
  const QUERY = `type Query {
    tags(includeDeleted: Boolean = false): [Tag!]!
    tag(id: Int!, includeDeleted: Boolean = false): Tag
    leakyTags(includeDeleted: Boolean = false): [Tag!]!
    leakyTag(id: Int!, includeDeleted: Boolean = false): Tag
  }`;
  const MUTATION =
    'type Mutation { createTag(label: String!): Tag! deleteTag(id: Int!): Boolean! restoreTag(id: Int!): Tag }';

  it('passes a complete setup', async () => {
    await expect(check(TAG_SDL, [Tag])).resolves.toBeUndefined();
  });

  it('names an entity with tombstones whose type is not @softDelete', async () => {
    await expect(check(`type Tag { id: Int! label: String! } ${QUERY} ${MUTATION}`, [Tag])).rejects.toThrow(
      'Entity Tag has tombstone properties, but no GraphQL type is marked @softDelete.',
    );
  });

  it('names a @softDelete type whose entity is missing or has no tombstones, all at once', async () => {
    const sdl = `${TAG_SDL} type Ghost @softDelete { id: Int! } type Plain @softDelete { id: Int! }`;
    const error = await check(sdl, [Tag, Plain]).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain('Ghost is @softDelete, but there is no entity named Ghost');
    expect((error as Error).message).toContain(
      'Plain is @softDelete, but entity Plain lacks the tombstone properties',
    );
  });

  it('names a field that can return a soft-deletable type without the guard', async () => {
    const addUnguarded = (schema: ReturnType<typeof buildTagSchema>['schema']) =>
      mapSchema(schema, {
        [MapperKind.ROOT_OBJECT]: (type) => {
          if (type.name !== 'Query') return type;
          const config = type.toConfig();
          const tag = schema.getType('Tag') as never;
          config.fields.sneaky = { type: new GraphQLNonNull(new GraphQLList(tag)) };
          return new (type.constructor as new (c: typeof config) => typeof type)(config);
        },
      });
    await expect(check(TAG_SDL, [Tag], addUnguarded)).rejects.toThrow(
      'Query.sneaky can return Tag but is not covered by the visibility guard.',
    );
  });

  it('names a root lookup or a list of a soft-deletable type without includeDeleted', async () => {
    // Built without the directive's augment step, as a schema assembled by other means would be.
    const error = await check(TAG_SDL, [Tag], undefined, true).catch((e: Error) => e);
    expect((error as Error).message).toContain(
      'Query.tags can return soft-deletable rows but has no includeDeleted argument.',
    );
    expect((error as Error).message).toContain(
      'Query.tag can return soft-deletable rows but has no includeDeleted argument.',
    );
  });

  it('names an includeDeleted with another default, and one on a to-one field or a mutation', async () => {
    const sdl = `type Tag @softDelete { id: Int! label: String! }
      type Label { tag(includeDeleted: Boolean = false): Tag }
      ${QUERY.replace('tags(includeDeleted: Boolean = false)', 'tags(includeDeleted: Boolean)')}
      extend type Query { label: Label }
      type Mutation { createTag(label: String!, includeDeleted: Boolean = false): Tag! deleteTag(id: Int!): Boolean! restoreTag(id: Int!): Tag }`;
    const error = await check(sdl, [Tag], undefined, true).catch((e: Error) => e);
    const message = (error as Error).message;
    expect(message).toContain('Query.tags(includeDeleted:) must be Boolean = false.');
    expect(message).toContain(
      'Label.tag takes includeDeleted, but is no list, count or lookup of soft-deletable rows',
    );
    expect(message).toContain(
      'Mutation.createTag takes includeDeleted, but is no list, count or lookup of soft-deletable rows',
    );
  });

  it('names a count of a type that is not soft-deletable, and an exemption of no field', async () => {
    const sdl = `${TAG_SDL} extend type Query { plainCount: Int! @softDeleteCount(of: "Plain") }`;
    const directive = softDeleteDirective('softDelete', { exempt: { 'Query.nothing': 'gone' } });
    const schema = directive.transformer(
      makeExecutableSchema({
        typeDefs: [directive.typeDefs, ...directive.augment([sdl]).typeDefs],
        resolvers,
      }),
    );
    const softDelete = new SoftDelete({ cascades: softDeleteCascades(schema) });
    const orm = await initOrm(databaseUrl, [Tag, AuditEvent], softDelete);
    try {
      expect(() => assertSoftDeleteSetup(schema, softDelete)).toThrow(
        'Query.plainCount is @softDeleteCount(of: "Plain"), which is not a soft-deletable type.',
      );
      expect(() => assertSoftDeleteSetup(schema, softDelete)).toThrow(
        'Exemption Query.nothing names no field.',
      );
    } finally {
      await orm.close();
    }
  });

  it('names a field whose guarded resolver a later transform replaced', async () => {
    const replaceTag = (schema: ReturnType<typeof buildTagSchema>['schema']) =>
      mapSchema(schema, {
        [MapperKind.QUERY_ROOT_FIELD]: (field, name) =>
          name === 'tag' ? { ...field, resolve: () => null } : field,
      });
    await expect(check(TAG_SDL, [Tag], replaceTag)).rejects.toThrow(
      'Query.tag can return Tag but is not covered by the visibility guard.',
    );
  });

  it('names a connection without nodes whose edges reach a soft-deletable type', async () => {
    const sdl = `${TAG_SDL}
      type TagEdge { cursor: String! node: Tag! }
      type TagPageInfo { hasNextPage: Boolean! }
      type TagConnection { edges: [TagEdge!]! pageInfo: TagPageInfo! }
      extend type Query { tagPage: TagConnection! }`;
    const error = await check(sdl, [Tag], undefined, true).catch((e: Error) => e);
    expect((error as Error).message).toContain(
      'Query.tagPage can return soft-deletable rows but has no includeDeleted argument.',
    );
  });

  it('refuses a cascade along a relation that does not exist', async () => {
    const sdl = TAG_SDL.replace('type Tag @softDelete', 'type Tag @softDelete(cascade: ["Tag.parent"])');
    await expect(check(sdl, [Tag])).rejects.toThrow(
      '@softDelete on Tag cascades along "Tag.parent", which is not a many-to-one from a soft-deletable entity to Tag.',
    );
  });

  it('refuses an entity with only some of the tombstone properties', async () => {
    await expect(check(TAG_SDL, [Tag, Half])).rejects.toThrow(
      'Half has some tombstone properties but lacks deletedBy, deleteReason, deleteBatch.',
    );
  });

  it('refuses to apply the transformer twice', () => {
    const { directive, schema } = buildTagSchema();
    expect(() => directive.transformer(schema)).toThrow('already been applied');
  });
});
