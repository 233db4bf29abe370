import type { AccessLookup, Identity, Role } from '../auth/index.js';
import type { RelationshipConfig } from '../config/index.js';

/**
 * Shapes the admin fields show. They are declared here, structurally, because `schema/`
 * sits below `ops/` and `control/`, whose records satisfy them.
 */
export interface DatabaseInfo {
  name: string;
  purpose: string;
  status: 'UP' | 'DOWN' | 'DEGRADED';
  serverVersion: string | null;
  mode: 'session' | 'transaction';
  readOnly: boolean;
  latencyMs: number | null;
  error: string | null;
  /** What to do about `error`, when known. */
  hint: string | null;
  pool: { total: number; idle: number; waiting: number; max: number };
  tables: number;
}

export type MigrationDirection = 'up' | 'down';
export type MigrationRunStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABANDONED';
export type MigrationOnError = 'STOP' | 'CONTINUE';

/** How one database of a finished run ended. */
export interface DatabaseOutcomeInfo {
  database: string;
  status: 'SUCCEEDED' | 'FAILED' | 'SKIPPED';
  error: string | null;
  applied: number;
}

/** One migration event (docs/PROTOCOL.md); fields absent from an event type are undefined. */
export interface MigrationEventInfo {
  type: string;
  runId: string;
  seq: number;
  at: string;
  database?: string;
  databases?: string[];
  name?: string;
  index?: number;
  total?: number;
  durationMs?: number;
  error?: string | null;
  status?: MigrationRunStatus;
  parallel?: number;
  onError?: MigrationOnError;
  statement?: number;
  statements?: number;
  firstLine?: string;
  waitedMs?: number;
  blockingPid?: number;
  blockingQuery?: string | null;
  phase?: string;
  blocksDone?: number;
  blocksTotal?: number;
  tuplesDone?: number;
  tuplesTotal?: number;
  elapsedMs?: number;
  outcomes?: readonly DatabaseOutcomeInfo[];
  lastEvent?: MigrationEventInfo | null;
}

export interface MigrationRunInfo {
  id: string;
  databases: readonly string[];
  direction: MigrationDirection;
  dryRun: boolean;
  status: MigrationRunStatus;
  error: string | null;
  startedBy: string | null;
  startedAt: Date | string;
  finishedAt: Date | string | null;
  events: readonly unknown[];
  parallel?: number;
  onError?: MigrationOnError;
  outcomes?: readonly unknown[];
}

export interface MigrationStatusInfo {
  database: string;
  applied: { name: string; runOn: Date | string }[];
  pending: { name: string }[];
}

/** What `installLiveNotify` shows, or did. */
export interface LiveNotifyInfo {
  database: string;
  /** The DDL, one statement each: shown without `confirm`, run in one transaction with it. */
  statements: string[];
  /** Tables that get the trigger. */
  tables: number;
  installed: boolean;
}

export interface DDLResultInfo {
  database: string;
  dryRun: boolean;
  statements: number;
  durationMs: number;
  notices: string[];
  sql: string | null;
}

export interface SchemaChangedInfo {
  databases: string[];
  at: string;
}

export interface ApiKeyInfo {
  id: string;
  label: string;
  role: Role;
  databases?: readonly string[] | null;
  createdAt: Date | string;
  revokedAt: Date | string | null;
}

export interface CreatedApiKeyInfo {
  id: string;
  key: string;
  label: string;
  role: Role;
  databases: readonly string[] | null;
}

export interface AuditEntryInfo {
  at: Date | string;
  actor: string;
  action: string;
  database: string | null;
  summary: string;
  outcome: string;
}

export interface ExecuteDDLArgs {
  database: string;
  sql: string;
  dryRun: boolean;
  transactional: boolean;
  lockTimeoutMs: number;
}

export interface CreateTableColumnArgs {
  name: string;
  type: string;
  nullable?: boolean | null;
  default?: unknown;
  defaultFunction?: string | null;
  primaryKey?: boolean | null;
  unique?: boolean | null;
  references?: { table: string; column: string; schema?: string | null } | null;
}

export interface CreateTableArgs {
  database: string;
  dryRun: boolean;
  input: { name: string; schema?: string | null; columns: CreateTableColumnArgs[]; ifNotExists?: boolean | null };
}

export interface RunMigrationsArgs {
  /** Omitted: the caller's databases. */
  databases?: readonly string[] | null;
  direction: MigrationDirection;
  count?: number | null;
  dryRun: boolean;
  /** Databases migrated at a time (default 1). */
  parallel?: number | null;
  onError?: MigrationOnError | null;
  /** lock_timeout of each migration session (ms). */
  lockTimeoutMs?: number | null;
}

/** A registration as the GraphQL input gives it (validated by the registry). */
export type RegisterDatabaseArgs = Readonly<Record<string, unknown>> & { name: string };

export interface CreateApiKeyArgs {
  label: string;
  role: Role;
  /** Omitted: the caller's databases. */
  databases?: readonly string[] | null;
}

/** What a listing may show: `databases` undefined means every database. */
export interface ListScope {
  databases?: readonly string[];
  limit: number;
}

/**
 * The operations behind the admin fields, implemented in `src/admin`. Authorization happens
 * before any of them is called (src/auth's table); `actor` is who asked, for the audit log and
 * for operations that default to the caller's databases.
 */
export interface AdminApi extends AccessLookup {
  databases(): DatabaseInfo[];
  /** The databases of `databases` (undefined: all) now, then again on each change and every probe interval. */
  subscribeDatabases(databases?: readonly string[]): AsyncIterableIterator<DatabaseInfo[]>;
  reloadCatalog(database: string): Promise<DatabaseInfo>;
  migrationStatus(database: string): Promise<MigrationStatusInfo>;
  migrationRuns(database: string | undefined, scope: ListScope): Promise<readonly MigrationRunInfo[]>;
  /** A run of any instance (the control database holds them all). */
  migrationRun(id: string): Promise<MigrationRunInfo | undefined>;
  executeDDL(args: ExecuteDDLArgs, actor: Identity): Promise<DDLResultInfo>;
  createTable(args: CreateTableArgs, actor: Identity): Promise<DDLResultInfo>;
  /** Notify mode for live queries: the trigger DDL of `database`, run only when `confirm` is true. */
  installLiveNotify(database: string, confirm: boolean, actor: Identity): Promise<LiveNotifyInfo>;
  runMigrations(args: RunMigrationsArgs, actor: Identity): Promise<MigrationRunInfo>;
  subscribeRun(runId: string): AsyncIterableIterator<MigrationEventInfo>;
  /** Schema changes touching `databases` (undefined: all), each listing only those databases. */
  subscribeSchemaChanged(databases?: readonly string[]): AsyncIterableIterator<SchemaChangedInfo>;

  registerDatabase(input: RegisterDatabaseArgs, actor: Identity): Promise<DatabaseInfo>;
  updateDatabase(input: RegisterDatabaseArgs, actor: Identity): Promise<DatabaseInfo>;
  unregisterDatabase(name: string, actor: Identity): Promise<boolean>;
  relationships(): readonly RelationshipConfig[];
  defineRelationship(input: Readonly<Record<string, unknown>>, actor: Identity): Promise<RelationshipConfig>;
  dropRelationship(database: string, name: string, actor: Identity): Promise<boolean>;

  apiKeys(scope: Omit<ListScope, 'limit'>): Promise<readonly ApiKeyInfo[]>;
  createApiKey(args: CreateApiKeyArgs, actor: Identity): Promise<CreatedApiKeyInfo>;
  revokeApiKey(id: string, actor: Identity): Promise<boolean>;
  /** Called with a key's id when this gateway revokes it; returns the unsubscribe function. */
  onKeyRevoked(listener: (keyId: string) => void): () => void;
  auditLog(database: string | undefined, scope: ListScope): Promise<readonly AuditEntryInfo[]>;
}
