import { z } from 'zod';
import { corsSchema } from './cors-schema.js';
import { ROLES } from '../auth/index.js';

/** Registered database names become GraphQL field names, so they follow GraphQL's name rule (lower-case first letter). */
export const DATABASE_NAME = /^[a-z][A-Za-z0-9_]{0,62}$/;

const port = z.number().int().min(1).max(65535);

/** Default statement_timeout of queries and mutations: 30 s. */
export const DEFAULT_STATEMENT_TIMEOUT_MS = 30_000;
/** Default statement_timeout of DDL statements: 5 min (a rewrite of a big table may take a while). */
export const DEFAULT_DDL_STATEMENT_TIMEOUT_MS = 300_000;
/** Default statement_timeout of migration statements: 30 min. */
export const DEFAULT_MIGRATION_STATEMENT_TIMEOUT_MS = 1_800_000;

/** Defaults of `limits`. */
export const DEFAULT_LIMITS = {
  defaultLimit: 100,
  maxLimit: 1000,
  maxRows: 50_000,
  maxBodyBytes: 1_048_576,
  maxDepth: 10,
  maxAliases: 30,
  maxTokens: 5000,
  maxNesting: 64,
  documentCache: { maxDocuments: 1000, maxBytes: 4 * 1024 * 1024 },
} as const;

export const poolSchema = z
  .object({
    /** Maximum connections in this database's pool (default 10). */
    max: z.number().int().min(1).max(1000).default(10),
    /** Idle connections are closed after this many ms (default 30000). */
    idleTimeoutMillis: z.number().int().min(0).default(30_000),
    /** Give up connecting after this many ms (default 5000). */
    connectionTimeoutMillis: z.number().int().min(1).default(5_000),
  })
  .strict();

export const supabaseSchema = z
  .object({
    /** The project reference (the `abcd1234` in abcd1234.supabase.co). */
    projectRef: z.string().regex(/^[a-z0-9]{4,40}$/, 'a Supabase project ref is lower-case letters and digits'),
    /** Region of the project, e.g. us-east-1; picks the pooler host. */
    region: z.string().regex(/^[a-z]{2}-[a-z]+-\d$/, 'a region looks like us-east-1'),
    password: z.string().min(1),
    /** session: port 5432, DDL and migrations work; transaction: port 6543, for bursts of short queries. */
    mode: z.enum(['session', 'transaction']).default('session'),
    /** Pooler host override (default aws-0-<region>.pooler.supabase.com). */
    host: z.string().optional(),
    database: z.string().default('postgres'),
  })
  .strict();

export const rlsSchema = z
  .object({
    /** HS256 secret that signs the JWTs (Supabase: the project's JWT secret). */
    jwtSecret: z.string().min(16).optional(),
    /** JWKS endpoint for RS256/ES256 tokens. */
    jwksUrl: z.string().url().optional(),
    /** Claim holding the Postgres role to SET LOCAL ROLE to (default "role"). */
    roleClaim: z.string().default('role'),
    /** Role for requests without a token (default "anon"). */
    defaultRole: z.string().default('anon'),
    /**
     * Roles a token may switch to. SECURITY: without this list any role named by a validly signed
     * token is used, as in PostgREST; connect as a non-superuser that can only SET ROLE to these.
     */
    allowedRoles: z.array(z.string().min(1)).optional(),
  })
  .strict()
  .refine((r) => r.jwtSecret || r.jwksUrl, { message: 'rls needs jwtSecret or jwksUrl' });

/** Defaults of `live` (live queries, see README "Live queries"). */
export const DEFAULT_LIVE = { intervalMs: 1000, batchSize: 1000, maxPerConnection: 100, maxTotal: 10_000 } as const;

/** Per-database overrides of `live`. */
export const databaseLiveSchema = z
  .object({
    /** How often this database's live queries are refreshed (ms; default: the global `live.intervalMs`). */
    intervalMs: z.number().int().min(20).max(3_600_000).optional(),
    /** Most members (distinct variable sets) one refresh statement carries (default: the global `live.batchSize`). */
    batchSize: z.number().int().min(1).max(100_000).optional(),
    /**
     * Refresh only cohorts whose tables changed, as told by statement-level triggers that
     * `pg_notify` (installed by an admin with `installLiveNotify`). Needs a session-mode connection
     * (LISTEN); until the triggers are there, or while the listener is down, cohorts are polled.
     */
    notify: z.boolean().optional(),
  })
  .strict();

export const liveSchema = z
  .object({
    /** How often live queries are refreshed, in ms (default 1000). */
    intervalMs: z.number().int().min(20).max(3_600_000).default(DEFAULT_LIVE.intervalMs),
    /** Most members one refresh statement carries; a larger cohort takes several statements (default 1000). */
    batchSize: z.number().int().min(1).max(100_000).default(DEFAULT_LIVE.batchSize),
    /** Most live queries one WebSocket may hold open (default 100). */
    maxPerConnection: z.number().int().min(1).default(DEFAULT_LIVE.maxPerConnection),
    /** Most live queries this gateway holds open (default 10000). */
    maxTotal: z.number().int().min(1).default(DEFAULT_LIVE.maxTotal),
  })
  .strict();

export const databaseSchema = z
  .object({
    /** Namespace of this database in the GraphQL schema. */
    name: z.string().regex(DATABASE_NAME, 'a database name starts with a lower-case letter and has only letters, digits and _'),
    /** Free text shown in `databases { purpose }`. */
    purpose: z.string().default(''),
    /** postgres://user:password@host:port/database — or the discrete fields below, or `supabase`. */
    url: z.string().optional(),
    host: z.string().optional(),
    port: port.optional(),
    user: z.string().optional(),
    password: z.string().optional(),
    database: z.string().optional(),
    supabase: supabaseSchema.optional(),
    /** on: TLS without certificate checks; verify: TLS with checks; off: plain. */
    ssl: z.union([z.enum(['on', 'off', 'verify']), z.boolean()]).optional(),
    pool: poolSchema.default(poolSchema.parse({})),
    /**
     * Server-side statement_timeout of every query and mutation statement on this database (ms; 0
     * leaves the server's setting). Default 30000, except through a transaction-mode pooler, where it
     * is sent only when set (PgBouncer refuses unknown startup parameters; set it on the role there).
     */
    statementTimeoutMs: z.number().int().min(0).optional(),
    /** statement_timeout of each statement of `executeDDL` / `createTable` (ms; 0 turns it off). */
    ddlStatementTimeoutMs: z.number().int().min(0).default(DEFAULT_DDL_STATEMENT_TIMEOUT_MS),
    /** statement_timeout of each statement of a migration (ms; 0 turns it off). */
    migrationStatementTimeoutMs: z.number().int().min(0).default(DEFAULT_MIGRATION_STATEMENT_TIMEOUT_MS),
    /** No mutations, DDL or migrations. */
    readOnly: z.boolean().default(false),
    /** session (default) or transaction (a transaction-mode pooler: no DDL, no session state). */
    mode: z.enum(['session', 'transaction']).optional(),
    /** Schemas exposed in GraphQL (default ["public"]). */
    schemas: z.array(z.string().min(1)).min(1).default(['public']),
    /** node-pg-migrate directory (default migrations/<name>). */
    migrationsDir: z.string().optional(),
    rls: rlsSchema.optional(),
    /** Live query overrides for this database (interval, batch size). */
    live: databaseLiveSchema.optional(),
  })
  .strict()
  .refine((d) => [d.url, d.supabase, d.host].filter(Boolean).length === 1, {
    message: 'give exactly one of url, host (with user, password, database) or supabase',
  });

const relationshipEnd = z
  .object({
    database: z.string().regex(DATABASE_NAME),
    table: z.string().min(1),
    schema: z.string().default('public'),
    columns: z.array(z.string().min(1)).min(1),
  })
  .strict();

export const relationshipSchema = z
  .object({
    /** Field name on the `from` side; names starting with __ are GraphQL's own and refused. */
    name: z.string().regex(/^(?!__)[_A-Za-z][_0-9A-Za-z]*$/, 'a relationship name is a GraphQL name that does not start with __'),
    from: relationshipEnd,
    to: relationshipEnd,
    /** object: at most one target per source row; array: a list. */
    type: z.enum(['object', 'array']),
  })
  .strict()
  .refine((r) => r.from.columns.length === r.to.columns.length, { message: 'from.columns and to.columns differ in length' });

/** One day: long enough for a CI job's token, short enough that a leaked one soon dies. */
const DEFAULT_MAX_TOKEN_AGE_SECONDS = 86_400;

export const authSchema = z
  .object({
    /** A bootstrap API key with the admin role (use `${ENV}`); more keys are made with createApiKey. */
    adminApiKey: z.string().min(24, 'adminApiKey needs at least 24 characters').optional(),
    /** HS256 secret for gateway JWTs (Authorization: Bearer). */
    jwtSecret: z.string().min(16).optional(),
    /** JWKS endpoint for RS256/ES256 gateway JWTs. */
    jwksUrl: z.string().url().optional(),
    /** Claim with the gateway role: admin, writer or reader (default "switchyard_role"). */
    roleClaim: z.string().default('switchyard_role'),
    /** Claim with the list of databases the token may use (absent: all). */
    databasesClaim: z.string().default('switchyard_databases'),
    /** Role of requests without credentials; none (refused) unless set. */
    anonymousRole: z.enum(ROLES).optional(),
    /** Required `iss` of gateway JWTs (one or any of a list); unchecked when unset. */
    issuer: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
    /** Required `aud` of gateway JWTs (one or any of a list); unchecked when unset. */
    audience: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
    /**
     * Longest a gateway JWT may live (seconds, default 86400): refused when its `exp` is further
     * ahead or its `iat` further back. Every gateway JWT must carry `exp`.
     */
    maxTokenAgeSeconds: z.number().int().min(1).default(DEFAULT_MAX_TOKEN_AGE_SECONDS),
  })
  .strict();

export const configSchema = z
  .object({
    port: port.default(4000),
    host: z.string().default('127.0.0.1'),
    databases: z.array(databaseSchema).default([]),
    relationships: z.array(relationshipSchema).default([]),
    /**
     * Directory under which `migrationsDir` of databases registered through the API must lie
     * (node-pg-migrate runs code from it). Without it the API may not set migrationsDir.
     */
    migrationsRoot: z.string().min(1).optional(),
    /** The gateway's own database (registrations, runs, audit). Default: none with a config file, embedded in the demo. */
    control: z
      .object({
        url: z.string(),
        /**
         * Lease of the instance executing a migration run (ms, default 15000), renewed every third of it.
         * A run whose lease has expired is closed ABANDONED by another instance.
         */
        leaseMs: z.number().int().min(300).default(15_000),
      })
      .strict()
      .optional(),
    /** Progress of SQL migrations, sampled on a side connection while each statement runs. */
    migrationProgress: z
      .object({
        /** How often pg_stat_activity, pg_locks and pg_stat_progress_create_index are read (ms, at most 500); a LOCK_WAIT per read while waiting. */
        sampleMs: z.number().int().min(50).max(500).default(500),
        /** A HEARTBEAT event every this many ms while one statement runs. */
        heartbeatMs: z.number().int().min(200).default(5_000),
      })
      .strict()
      .default({ sampleMs: 500, heartbeatMs: 5_000 }),
    limits: z
      .object({
        /** Rows returned by a list field without `limit`. */
        defaultLimit: z.number().int().min(1).default(DEFAULT_LIMITS.defaultLimit),
        /** Largest `limit` / `first` / `last` accepted. */
        maxLimit: z.number().int().min(1).default(DEFAULT_LIMITS.maxLimit),
        /**
         * Row budget of one operation: the sum, over every paged field, of the product of the page
         * sizes along its path (`limit`, `first`, `last` or `defaultLimit`). Above it the operation is
         * refused with ROW_BUDGET_EXCEEDED before any SQL runs.
         */
        maxRows: z.number().int().min(1).default(DEFAULT_LIMITS.maxRows),
        /** Largest HTTP request body and WebSocket message, in bytes (413 / close 1009 above it). */
        maxBodyBytes: z.number().int().min(1024).default(DEFAULT_LIMITS.maxBodyBytes),
        maxDepth: z.number().int().min(1).default(DEFAULT_LIMITS.maxDepth),
        maxAliases: z.number().int().min(1).default(DEFAULT_LIMITS.maxAliases),
        maxTokens: z.number().int().min(1).default(DEFAULT_LIMITS.maxTokens),
        /** Deepest bracket nesting of a document, and of arrays / objects in variables. */
        maxNesting: z.number().int().min(4).max(500).default(DEFAULT_LIMITS.maxNesting),
        /** Parsed documents kept (with their validation, executors and compiled SQL), by count and by query text. */
        documentCache: z
          .object({
            maxDocuments: z.number().int().min(1).default(DEFAULT_LIMITS.documentCache.maxDocuments),
            maxBytes: z.number().int().min(1024).default(DEFAULT_LIMITS.documentCache.maxBytes),
          })
          .strict()
          .default({ ...DEFAULT_LIMITS.documentCache }),
        /** Removed: refused with a hint, so that nobody believes an ignored limit holds. */
        maxCost: z
          .unknown()
          .optional()
          .refine((v) => v === undefined, {
            message: 'maxCost was removed: the row budget limits.maxRows (default 50000) replaces the cost estimate; delete maxCost',
          }),
      })
      .strict()
      .default({ ...DEFAULT_LIMITS, documentCache: { ...DEFAULT_LIMITS.documentCache } }),
    /** Serve GET /graphql (queries only, as GraphQL over HTTP allows); false refuses GET with 405. */
    allowGet: z.boolean().default(true),
    /**
     * Documents sent by hash. `apq`: the Automatic Persisted Queries protocol
     * (`extensions.persistedQuery.sha256Hash`; a hash the gateway does not know is
     * PERSISTED_QUERY_NOT_FOUND, and sending the hash with the text stores it). `only`: every
     * operation must be a trusted document — one in `file` — sent by hash or as its exact text;
     * anything else is TRUSTED_DOCUMENT_REQUIRED. `off` (default): extensions are ignored.
     */
    trustedDocuments: z
      .object({
        mode: z.enum(['off', 'apq', 'only']).default('off'),
        /** JSON object of sha256 hex → document text, e.g. codegen's persisted-documents.json (relative to the working directory). */
        file: z.string().min(1).optional(),
        /** Documents stored by `apq` clients, kept most recently used first. */
        maxStored: z.number().int().min(0).default(1000),
      })
      .strict()
      .default({ mode: 'off', maxStored: 1000 }),
    /** How often every database is probed (ms). */
    probeIntervalMs: z.number().int().min(100).default(5_000),
    /** Serve GraphiQL and allow introspection. */
    graphiql: z.boolean().default(true),
    /** Serve the web console at /console (static files; it signs in with an API key). */
    console: z.boolean().default(true),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    auth: authSchema.default({ roleClaim: 'switchyard_role', databasesClaim: 'switchyard_databases', maxTokenAgeSeconds: DEFAULT_MAX_TOKEN_AGE_SECONDS }),
    /** Mask unexpected errors (always on) and hide GraphiQL/introspection when false. */
    introspection: z.boolean().default(true),
    /** Live queries (`Subscription.<database>`): refresh interval, batch size, how many may be open. */
    live: liveSchema.default({ ...DEFAULT_LIVE }),
    /** Browser origins allowed besides the gateway's own pages (see cors-schema.ts). */
    cors: corsSchema.default({ origins: [] }),
  })
  .strict()
  .superRefine((c, ctx) => {
    const seen = new Set<string>();
    c.databases.forEach((d, i) => {
      if (seen.has(d.name)) ctx.addIssue({ code: 'custom', path: ['databases', i, 'name'], message: `duplicate database name "${d.name}"` });
      seen.add(d.name);
    });
  });

export type RawConfig = z.input<typeof configSchema>;
export type ParsedConfig = z.output<typeof configSchema>;
export type DatabaseEntry = z.output<typeof databaseSchema>;
export type RelationshipConfig = z.output<typeof relationshipSchema>;
export type RlsConfig = z.output<typeof rlsSchema>;
export type AuthConfig = z.output<typeof authSchema>;
export type CorsConfig = z.output<typeof corsSchema>;
export type LiveConfig = z.output<typeof liveSchema>;
export type DatabaseLiveConfig = z.output<typeof databaseLiveSchema>;
