import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { DocumentNode, GraphQLSchema, OperationDefinitionNode } from 'graphql';
import { demoTokens } from './auth/demo-tokens.js';
import { scopeCheckPlugin } from './auth/scope-check.plugin.js';
import { assertScopeCoverage } from './auth/scope-coverage.js';
import { Scope } from './auth/scopes.js';
import { createTokenVerifier } from './auth/token.service.js';
import type { AppConfig } from './config.js';
import { createContext, type GraphQLContext } from './context.js';
import { openDatabase } from './db/database.js';
import { connectionLimits, initORM } from './db/orm.config.js';
import { closeSettledPool } from './db/pool-close.js';
import { seedDemoData } from './db/seeders/demo.seeder.js';
import { withStatementSignal } from './db/statement-cancel.js';
import { admissionPlugin } from './graphql/admission.plugin.js';
import { compiledExecutor } from './graphql/compiled.executor.js';
import { keysetCursorReads } from './graphql/cursor.reads.js';
import { documentBoundsRule } from './graphql/document-bounds.rule.js';
import { createFormatError } from './graphql/format-error.js';
import { noSubscriptionsPlugin } from './graphql/no-subscriptions.plugin.js';
import { queryLimitsPlugin } from './graphql/query-limits.plugin.js';
import { rowProjectionPlugin } from './graphql/row-projection.plugin.js';
import { textInputPlugin } from './graphql/text-input.plugin.js';
import { createConsoleRoute } from './http/console.handler.js';
import { createGraphiqlRoute } from './http/graphiql.handler.js';
import { createHttpHandler } from './http/graphql-http.handler.js';
import { healthProbe } from './http/health.probe.js';
import { buildSchema } from './schema.js';
import { stopInOrder } from './shutdown.order.js';
import {
  assertSoftDeleteSetup,
  GATED_TOMBSTONE_FIELDS,
  INCLUDE_DELETED_ARGUMENT,
  type RowProjection,
  rowProjections,
  type SoftDelete,
  softDeleteTypes,
} from './soft-delete/index.js';
import { createSoftDelete } from './soft-delete.setup.js';

/** A running Tombstone server. */
export interface App {
  /** The GraphQL endpoint, e.g. `http://localhost:4000/graphql`. */
  url: string;
  orm: MikroORM;
  softDelete: SoftDelete;
  config: AppConfig;
  /**
   * Stops accepting connections, lets in-flight requests finish (for at most
   * `config.shutdownGraceMs`, then their connections are closed), closes the ORM's pool and only
   * then stops an embedded database. Idempotent.
   */
  stop(): Promise<void>;
}

/** Where the app writes its log lines. */
export type Log = (line: string) => void;

/** Hooks for tests and the benchmark. */
export interface StartOptions {
  /** Receives every SQL statement MikroORM sends (turns its query log on). */
  onQuery?: (line: string) => void;
}

/**
 * Starts everything: the database (embedded unless `config.databaseUrl`), migrations, demo data
 * for an empty database, Apollo Server and the HTTP listener.
 *
 * @example
 * const app = await startApp(loadConfig());
 * console.log(`GraphQL at ${app.url}`);
 * process.once('SIGTERM', () => app.stop());
 */
export async function startApp(
  config: AppConfig,
  log: Log = console.log,
  options: StartOptions = {},
): Promise<App> {
  // The schema comes first: its @softDelete declarations configure the ORM's soft-delete toolkit.
  const schema = buildSchema();
  assertScopeCoverage(schema, {
    gatedArguments: { [INCLUDE_DELETED_ARGUMENT]: Scope.auditRead },
    gatedFields: Object.fromEntries(GATED_TOMBSTONE_FIELDS.map((field) => [field, Scope.auditRead])),
  });
  const softDelete = createSoftDelete(schema, { filtersEnabled: config.softDeleteFilters });
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, log });
  let orm: MikroORM | undefined;
  try {
    const queryLog = options.onQuery
      ? { debug: ['query' as const], logger: options.onQuery, colors: false, highlighter: undefined }
      : {};
    orm = await initORM(
      {
        clientUrl: database.url,
        ...connectionLimits({
          poolSize: config.databasePoolSize,
          idleTimeoutMs: config.databasePoolIdleTimeoutMs,
          statementTimeoutMs: config.databaseStatementTimeoutMs,
        }),
        ...softDelete.ormOptions(),
        ...queryLog,
      },
      { migrate: true },
    );
    await softDelete.installDatabaseGuards(orm.em.fork());
    assertSoftDeleteSetup(schema, softDelete);
    if (config.seedDemoData && (await seedDemoData(orm.em.fork())))
      log('Seeded demo data into the empty database.');
    const ready = orm;
    const httpServer = createServer();
    // Reads select what an operation can show: the soft-deletable types' columns that only their
    // own fields read are left out when unasked, `createdAt` too unless cursors are shown.
    const entityOfType = (name: string) => softDeleteTypes(schema).types[name]?.entity;
    const projection = rowProjections(schema, ready.getMetadata(), {
      entityOfType,
      reads: keysetCursorReads(schema, (name) => entityOfType(name) !== undefined),
    });
    const apollo = createApollo(config, schema, httpServer, log, projection);
    await apollo.start();
    const verifyToken = createTokenVerifier(config.token);
    const pages = [
      await createConsoleRoute(
        config.nodeEnv === 'production'
          ? {}
          : { demoTokens: () => demoTokens(ready.em.fork(), config.token) },
      ),
      ...(config.graphqlIde ? [await createGraphiqlRoute()] : []),
    ];
    httpServer.on(
      'request',
      createHttpHandler<GraphQLContext>({
        apollo,
        runRequest: withStatementSignal,
        context: (req, signal) =>
          createContext(
            {
              orm: ready,
              softDelete,
              verifyToken,
              search: config.search,
              preparedStatements: config.databasePreparedStatements,
            },
            req.headers.authorization,
            signal,
          ),
        health: healthProbe(() => ready.em.getConnection().execute('select 1'), config.healthzTimeoutMs),
        maxRequestBytes: config.maxRequestBytes,
        cors: config.cors,
        pages,
      }),
    );
    await new Promise<void>((resolve, reject) => {
      httpServer.once('error', reject);
      httpServer.listen(config.port, resolve);
    });
    const { port } = httpServer.address() as AddressInfo;

    let stopping: Promise<void> | undefined;
    return {
      url: `http://localhost:${port}/graphql`,
      orm: ready,
      softDelete,
      config,
      stop: () => {
        stopping ??= stopInOrder(
          {
            drainHttp: () => apollo.stop(),
            closePool: (signal) => closeSettledPool(ready, signal),
            stopDatabase: () => database.stop(),
          },
          config.shutdownGraceMs,
          log,
        );
        return stopping;
      },
    };
  } catch (error) {
    await orm?.close();
    await database.stop();
    throw error;
  }
}

function createApollo(
  config: AppConfig,
  schema: GraphQLSchema,
  httpServer: Server,
  log: Log,
  projection: (operation: OperationDefinitionNode, document: DocumentNode) => RowProjection,
): ApolloServer<GraphQLContext> {
  const development = config.nodeEnv === 'development';
  return new ApolloServer<GraphQLContext>({
    // Execution only: parsing, validation and the plugins below stay Apollo's (see compiledExecutor).
    gateway: compiledExecutor(schema, config.execution),
    includeStacktraceInErrorResponses: development,
    introspection: config.nodeEnv !== 'production',
    // Request bodies are already capped; these bound the parser's and validation's work on
    // what gets through.
    parseOptions: { maxTokens: config.documentBounds.maxTokens },
    validationRules: [documentBoundsRule(config.documentBounds)],
    // Apollo's own SIGINT/SIGTERM handler would stop it in parallel with App.stop() and then
    // re-send the signal; the process owner (server.ts) decides the shutdown order.
    stopOnTerminationSignals: false,
    // Browsers may call the API from other origins (CORS); this keeps a cross-site page from
    // sending it requests that skip the CORS preflight (Apollo's default, stated for the reader).
    csrfPrevention: true,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: config.shutdownGraceMs }),
      // Cache hints are unused, and the plugin costs throughput on wide responses.
      ApolloServerPluginCacheControlDisabled(),
      noSubscriptionsPlugin(),
      // Apollo's landing pages load Apollo Sandbox from a CDN; browsers get the bundled GraphiQL.
      ApolloServerPluginLandingPageDisabled(),
      queryLimitsPlugin(config.limits),
      textInputPlugin(),
      scopeCheckPlugin<GraphQLContext>((context) => context.viewer),
      admissionPlugin<GraphQLContext>(config.admission, (context) => context.signal),
      rowProjectionPlugin<GraphQLContext>(projection, (context) => context.reads),
    ],
    formatError: createFormatError({ nodeEnv: config.nodeEnv, log }),
  });
}
