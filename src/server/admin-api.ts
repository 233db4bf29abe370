import { on } from 'node:events';
import type { ConnectionRegistry } from '../connections/index.js';
import { GatewayError } from '../errors/index.js';
import { buildCreateTable, executeDDL, migrationStatus, type CreateTableInput, type MigrationRunManager } from '../ops/index.js';
import type { AdminApi, DatabaseInfo, Identity } from '../schema/index.js';
import type { SchemaManager } from './schema-manager.js';

/** One line of the audit log; where it goes is the control store's business. */
export interface AuditEntry {
  actor: string;
  action: string;
  database?: string;
  summary: string;
  outcome: 'OK' | 'FAILED';
}

export interface AdminDeps {
  registry: ConnectionRegistry;
  schemas: SchemaManager;
  runs: MigrationRunManager;
  /** Stored runs (control database), newest first; undefined when there is no control database. */
  history?: (database: string | undefined, limit: number) => Promise<unknown[]> | undefined;
  /** Records an admin action; never throws into the caller. */
  audit: (entry: AuditEntry) => Promise<void>;
  /** Extra operations (registry, relationships, API keys) merged into the API. */
  extra?: Record<string, (...args: any[]) => any>;
}

/** Status of one database as the `Database` type shows it. SECURITY: no credentials. */
export function databaseInfo(deps: Pick<AdminDeps, 'registry' | 'schemas'>, name: string): DatabaseInfo {
  const c = deps.registry.require(name);
  const state = deps.schemas.state(name);
  return {
    name: c.name,
    purpose: c.config.purpose,
    status: c.status,
    serverVersion: c.serverVersion,
    mode: c.config.mode,
    readOnly: c.config.readOnly,
    latencyMs: c.latencyMs,
    error: c.error ?? state?.error ?? null,
    pool: c.poolStats(),
    tables: deps.schemas.databaseModels.find((m) => m.database === name)?.tables.length ?? 0,
  };
}

const summary = (sql: string) => sql.replace(/\s+/g, ' ').trim().slice(0, 300);

interface CreateTableArgs {
  database: string;
  dryRun: boolean;
  input: Omit<CreateTableInput, 'columns'> & { columns: (CreateTableInput['columns'][number] & { defaultFunction?: string | null })[] };
}

/** The operations behind the admin fields: status, catalog reloads, DDL and migrations. */
export function createAdminApi(deps: AdminDeps): AdminApi {
  const { registry, schemas, runs, audit } = deps;

  /** Runs DDL, audits it either way, and swaps the schema after a real change. */
  const ddl = async (database: string, sql: string, options: { dryRun: boolean; transactional?: boolean; lockTimeoutMs?: number }, actor: Identity) => {
    const connection = registry.require(database);
    try {
      const result = await executeDDL(connection, sql, options);
      await audit({ actor: actor.name, action: options.dryRun ? 'DDL_DRY_RUN' : 'DDL', database, summary: summary(sql), outcome: 'OK' });
      if (!options.dryRun) await schemas.reload([database]);
      return { ...result, sql };
    } catch (error) {
      await audit({ actor: actor.name, action: 'DDL', database, summary: `${summary(sql)} → ${(error as Error).message}`, outcome: 'FAILED' });
      throw error;
    }
  };

  return {
    databases: () => registry.list().map((c) => databaseInfo(deps, c.name)),
    reloadCatalog: async (name: string) => {
      registry.require(name);
      await schemas.reload([name]);
      return databaseInfo(deps, name);
    },
    migrationStatus: async (database: string) => ({ database, ...(await migrationStatus(registry.require(database))) }),
    migrationRuns: (database: string | undefined, limit: number) => deps.history?.(database, limit) ?? runs.list(database, limit),
    migrationRun: (id: string) => runs.get(id),
    executeDDL: (a: { database: string; sql: string; dryRun: boolean; transactional: boolean; lockTimeoutMs: number }, actor: Identity) =>
      ddl(a.database, a.sql, { dryRun: a.dryRun, transactional: a.transactional, lockTimeoutMs: a.lockTimeoutMs }, actor),
    createTable: (a: CreateTableArgs, actor: Identity) => {
      const columns = a.input.columns.map(({ defaultFunction, ...c }) =>
        defaultFunction ? { ...c, default: { function: defaultFunction as 'now()' } } : c,
      );
      return ddl(a.database, buildCreateTable({ ...a.input, schema: a.input.schema ?? undefined, columns }), { dryRun: a.dryRun }, actor);
    },
    runMigrations: async (a: { databases?: string[] | null; direction: 'up' | 'down'; count?: number | null; dryRun: boolean }, actor: Identity) => {
      const names = a.databases ?? registry.list().map((c) => c.name);
      const run = runs.start({
        connections: names.map((n) => registry.require(n)),
        direction: a.direction,
        count: a.count ?? undefined,
        dryRun: a.dryRun,
        startedBy: actor.name,
      });
      await audit({ actor: actor.name, action: 'MIGRATION_RUN', summary: `${a.direction} ${names.join(', ')} (run ${run.id})`, outcome: 'OK' });
      return run;
    },
    subscribeRun: (runId: string) => {
      if (!runs.get(runId)) throw new GatewayError('NOT_FOUND', `no migration run ${runId}`, { hint: 'runMigrations returns the id' });
      return runs.subscribe(runId);
    },
    subscribeSchemaChanged: () => mapIterator(on(schemas, 'changed') as AsyncIterableIterator<[unknown]>, ([event]) => event),
    ...deps.extra,
  };
}

/** Maps an async iterator, passing return() through so listeners are removed when a client leaves. */
function mapIterator<T, U>(source: AsyncIterableIterator<T>, fn: (value: T) => U): AsyncIterableIterator<U> {
  return {
    async next() {
      const r = await source.next();
      return r.done ? r : { done: false, value: fn(r.value) };
    },
    return: async () => (await source.return?.(), { done: true, value: undefined }),
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
