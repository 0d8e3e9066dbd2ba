import { parseDuration } from './auth/duration.js';
import { DEFAULT_MAX_TOKEN_TTL_SECONDS, type TokenConfig } from './auth/token.service.js';
import type { AdmissionLimits } from './graphql/admission.plugin.js';
import type { CompiledExecutionOptions } from './graphql/compiled.executor.js';
import type { DocumentBounds } from './graphql/document-bounds.rule.js';
import type { QueryLimits } from './graphql/query-limits.plugin.js';
import { type CorsOptions, DEVELOPMENT_ORIGINS, isOriginPattern } from './http/cors.js';
import type { SearchLimits } from './modules/post/post.search.js';

/** Everything the server reads from its environment, validated once at startup. */
export interface AppConfig {
  /**
   * `development` (NODE_ENV unset or "development") shows error details and allows a default
   * token secret; `test` is for the suite; anything else is `production`.
   */
  nodeEnv: 'development' | 'production' | 'test';
  port: number;
  /** External PostgreSQL; when absent an embedded one is started under `dataDir`. */
  databaseUrl: string | undefined;
  /** Where the embedded PostgreSQL keeps its files. */
  dataDir: string;
  /** Seed demo data into an empty database. */
  seedDemoData: boolean;
  /** Most connections the server opens to PostgreSQL. */
  databasePoolSize: number;
  /**
   * How long a pooled PostgreSQL connection may sit idle before the pool closes it, in milliseconds
   * (`DB_POOL_IDLE_TIMEOUT_MS`; 0 = never). Longer than `pg`'s 10 s because reopening is dear: a
   * new session costs about 23 ms to open (authentication, a backend process) and tens of
   * milliseconds more on its first request (catalog caches, plans, prepared statements), which a
   * burst after a lull would pay once per connection.
   * @default 60000
   */
  databasePoolIdleTimeoutMs: number;
  /** Longest any one SQL statement may run, in milliseconds (PostgreSQL `statement_timeout`; 0 = none). */
  databaseStatementTimeoutMs: number;
  /**
   * Run the read path's statements as named prepared statements (`DB_PREPARED_STATEMENTS=on|off`).
   * Off for a connection pooler that cannot keep them per client (PgBouncer in transaction mode
   * before 1.21, or without `max_prepared_statements`).
   * @default on
   */
  databasePreparedStatements: boolean;
  token: TokenConfig;
  /** True when the token secret is the built-in development default (announced in the log). */
  usesDevelopmentSecret: boolean;
  limits: QueryLimits;
  /** Bounds on the document as written, applied before validation. */
  documentBounds: DocumentBounds;
  /** How much heavy work runs at once; the excess is shed with HTTP 503. */
  admission: AdmissionLimits;
  /** Largest accepted request body, in bytes. */
  maxRequestBytes: number;
  /**
   * Browser origins allowed to call the API (`CORS_ORIGINS`). Unset: every `http://localhost:*`
   * and `http://127.0.0.1:*` origin outside production, none in production.
   */
  cors: CorsOptions;
  /** On SIGTERM/SIGINT, how long in-flight requests may take before their connections are closed. */
  shutdownGraceMs: number;
  /** `/healthz` answers 503 when the database has not answered within this many milliseconds. */
  healthzTimeoutMs: number;
  /**
   * `SOFT_DELETE_FILTERS=off` empties the soft-delete filter, for the benchmark's feature-off run
   * on a copy of the data without tombstones. Refused in production.
   */
  softDeleteFilters: boolean;
  /** How much of the matches one search ranks and counts. */
  search: SearchLimits;
  /**
   * Serve the bundled GraphiQL to browsers at `GET /graphql` (`GRAPHQL_IDE=on|off`).
   * @default on, except in production
   */
  graphqlIde: boolean;
  /** When documents are compiled (graphql-jit) instead of interpreted. */
  execution: CompiledExecutionOptions;
}

/** Used only outside production when neither JWT_SECRET nor JWT_JWKS_URL is set. */
export const DEVELOPMENT_SECRET = 'tombstone-development-secret-not-for-production';

/**
 * Reads and validates the configuration.
 * @throws Error naming every invalid variable, e.g. a production server with no token secret.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const problems: string[] = [];
  // Fail closed: only an unset NODE_ENV or "development" gets development's error details and
  // default secret; any other value (staging, prod, …) is treated as production.
  const nodeEnv =
    env.NODE_ENV === undefined || env.NODE_ENV === '' || env.NODE_ENV === 'development'
      ? 'development'
      : env.NODE_ENV === 'test'
        ? 'test'
        : 'production';
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name} must be an integer from ${min} to ${max}, not "${raw}".`);
      return fallback;
    }
    return value;
  };

  const secret = env.JWT_SECRET || undefined;
  const jwksUrl = env.JWT_JWKS_URL || undefined;
  if (secret && jwksUrl) problems.push('Set JWT_SECRET or JWT_JWKS_URL, not both.');
  if (!secret && !jwksUrl && nodeEnv === 'production') {
    problems.push('NODE_ENV=production needs JWT_SECRET or JWT_JWKS_URL; refusing to start without one.');
  }
  if (secret && secret.length < 32) problems.push('JWT_SECRET must be at least 32 characters.');
  const usesDevelopmentSecret = !secret && !jwksUrl;
  const maxTtlSeconds = env.JWT_MAX_TTL ? parseDuration(env.JWT_MAX_TTL) : DEFAULT_MAX_TOKEN_TTL_SECONDS;
  if (maxTtlSeconds === undefined || maxTtlSeconds < 60 || maxTtlSeconds > 31_536_000) {
    problems.push(`JWT_MAX_TTL must be a duration from 1m to 365d (e.g. 24h), not "${env.JWT_MAX_TTL}".`);
  }

  const corsOrigins =
    env.CORS_ORIGINS === undefined
      ? nodeEnv === 'production'
        ? []
        : [...DEVELOPMENT_ORIGINS]
      : env.CORS_ORIGINS.split(',')
          .map((origin) => origin.trim())
          .filter(Boolean);
  const badOrigins = corsOrigins.filter((origin) => !isOriginPattern(origin));
  if (badOrigins.length > 0) {
    problems.push(
      `CORS_ORIGINS must list origins such as https://app.example.com or http://localhost:* (no path, no trailing slash), not ${badOrigins.map((o) => `"${o}"`).join(', ')}.`,
    );
  }

  const databasePoolSize = int('DB_POOL_SIZE', 10, 1, 1_000);
  const ide = env.GRAPHQL_IDE ?? '';
  if (!['', 'on', 'off'].includes(ide)) problems.push(`GRAPHQL_IDE must be "on" or "off", not "${ide}".`);
  const prepared = env.DB_PREPARED_STATEMENTS ?? '';
  if (!['', 'on', 'off'].includes(prepared))
    problems.push(`DB_PREPARED_STATEMENTS must be "on" or "off", not "${prepared}".`);
  const config: AppConfig = {
    nodeEnv,
    port: int('PORT', 4000, 0, 65_535),
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: env.DATA_DIR || '.data',
    seedDemoData: env.SEED_DEMO_DATA !== 'false',
    databasePoolSize,
    databasePoolIdleTimeoutMs: int('DB_POOL_IDLE_TIMEOUT_MS', 60_000, 0, 86_400_000),
    databaseStatementTimeoutMs: int('DB_STATEMENT_TIMEOUT_MS', 5_000, 0, 3_600_000),
    databasePreparedStatements: prepared !== 'off',
    token: {
      secret: usesDevelopmentSecret ? DEVELOPMENT_SECRET : secret,
      jwksUrl,
      issuer: env.JWT_ISSUER || undefined,
      audience: env.JWT_AUDIENCE || undefined,
      maxTtlSeconds: maxTtlSeconds ?? DEFAULT_MAX_TOKEN_TTL_SECONDS,
    },
    usesDevelopmentSecret,
    limits: {
      maxDepth: int('MAX_QUERY_DEPTH', 12, 1, 100),
      maxObjects: int('MAX_QUERY_OBJECTS', 5_000, 1, 1_000_000),
      maxAliases: int('MAX_QUERY_ALIASES', 50, 0, 10_000),
    },
    documentBounds: {
      maxTokens: int('MAX_QUERY_TOKENS', 5_000, 100, 1_000_000),
      maxFields: int('MAX_QUERY_FIELDS', 1_000, 10, 100_000),
      maxRepeats: int('MAX_QUERY_REPEATS', 10, 1, 1_000),
    },
    admission: {
      maxConcurrentCost: int('MAX_CONCURRENT_COST', 7_500, 1, 100_000_000),
      maxOperations: Math.max(1, Math.floor(databasePoolSize / 2)),
      lightCost: int('ADMISSION_LIGHT_COST', 200, 0, 100_000_000),
      maxQueue: int('ADMISSION_QUEUE_LENGTH', 16, 0, 100_000),
      maxWaitMs: int('ADMISSION_MAX_WAIT_MS', 1_000, 0, 600_000),
    },
    maxRequestBytes: int('MAX_REQUEST_BYTES', 100_000, 1_000, 10_000_000),
    cors: { origins: corsOrigins },
    shutdownGraceMs: int('SHUTDOWN_GRACE_MS', 10_000, 0, 600_000),
    healthzTimeoutMs: int('HEALTHZ_TIMEOUT_MS', 2_000, 1, 60_000),
    softDeleteFilters: env.SOFT_DELETE_FILTERS !== 'off',
    search: {
      rankWindow: int('SEARCH_RANK_WINDOW', 200, 1, 100_000),
      countLimit: int('SEARCH_COUNT_LIMIT', 10_000, 1, 10_000_000),
    },
    graphqlIde: ide === '' ? nodeEnv !== 'production' : ide === 'on',
    execution: {
      compileAfter: int('GRAPHQL_COMPILE_AFTER', 2, 0, 1_000_000),
      cacheSize: int('GRAPHQL_COMPILED_CACHE', 1_000, 1, 1_000_000),
    },
  };
  if (!config.softDeleteFilters && nodeEnv === 'production') {
    problems.push('SOFT_DELETE_FILTERS=off is for benchmarks only and is refused in production.');
  }
  if (problems.length > 0) throw new Error(`Invalid configuration:\n- ${problems.join('\n- ')}`);
  return config;
}
