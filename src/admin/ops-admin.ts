import { GatewayError } from '../errors/index.js';
import { on } from 'node:events';
import { callerDatabases, type Identity } from '../auth/index.js';
import type { ConnectionRegistry } from '../connections/index.js';
import type { AuditEntry, ControlAnnouncement, MigrationRunRecord } from '../control/index.js';
import { buildCreateTable, executeDDL, migrationStatus, type ColumnSpec, type MigrationRunManager } from '../ops/index.js';
import type { AdminApi, MigrationEventInfo, MigrationRunInfo, SchemaChangedInfo } from '../schema/index.js';
import { ddlSummary } from './audit-text.js';
import { databaseInfo } from './database-info.js';
import { databaseStream } from './database-stream.js';
import type { SchemaHost } from './schema-host.js';

export interface OpsAdminDeps {
  registry: ConnectionRegistry;
  schemas: SchemaHost;
  runs: MigrationRunManager;
  /** Stored runs (control database), newest first; undefined when there is no control database. */
  history?: (database: string | undefined, limit: number, within?: readonly string[]) => Promise<MigrationRunRecord[]> | undefined;
  /** Records an admin action; never throws into the caller. */
  audit: (entry: AuditEntry) => Promise<void>;
  /** Notify mode of live queries: the trigger DDL for some tables, and the hook after it is installed. */
  liveNotify?: { ddl(tables: readonly { schema: string; name: string }[]): string[]; installed(database: string): Promise<void> };
  /** How often `databaseStatus` re-sends the list without a status change (the probe interval). */
  statusEveryMs?: number;
  /** Tells the other instances what changed (the control bus); absent with a single instance. */
  announce?: (change: ControlAnnouncement) => void;
}

type OpsAdmin = Pick<
  AdminApi,
  'databases' | 'subscribeDatabases' | 'reloadCatalog' | 'migrationStatus' | 'migrationRuns' | 'migrationRun' | 'executeDDL' | 'createTable' | 'installLiveNotify' | 'runMigrations' | 'subscribeRun' | 'subscribeSchemaChanged'
>;

const within = (run: { databases: readonly string[] }, databases: readonly string[] | undefined) => !databases || run.databases.every((d) => databases.includes(d));

/** Status, catalog reloads, DDL and migrations. Callers are authorized before (src/auth's table). */
export function createOpsAdmin(deps: OpsAdminDeps): OpsAdmin {
  const { registry, schemas, runs, audit } = deps;

  /** Runs DDL, audits it either way (passwords redacted), and swaps the schema after a real change. */
  const ddl = async (database: string, sql: string, options: { dryRun: boolean; transactional?: boolean; lockTimeoutMs?: number }, actor: Identity) => {
    const connection = registry.require(database);
    try {
      const result = await executeDDL(connection, sql, options);
      await audit({ actor: actor.name, action: options.dryRun ? 'DDL_DRY_RUN' : 'DDL', database, summary: ddlSummary(sql), outcome: 'OK' });
      if (!options.dryRun) {
        await schemas.reload([database]);
        deps.announce?.({ kind: 'catalog', databases: [database] });
      }
      return { ...result, sql };
    } catch (error) {
      await audit({ actor: actor.name, action: 'DDL', database, summary: ddlSummary(sql, (error as Error).message), outcome: 'FAILED' });
      throw error;
    }
  };

  return {
    databases: () => registry.list().map((c) => databaseInfo(deps, c.name)),
    installLiveNotify: async (database, confirm, actor) => {
      const model = schemas.databaseModels.find((m) => m.database === database);
      if (!model || !deps.liveNotify) throw new GatewayError('NOT_FOUND', `[${database}] no catalog is known for this database`, { database, hint: 'check databases { status error }' });
      if (registry.require(database).config.mode !== 'session') {
        throw new GatewayError('TRANSACTION_POOLER', `[${database}] notify mode needs LISTEN, which a transaction-mode pooler cannot keep`, { database, hint: 'use the session pooler (port 5432), or keep polling' });
      }
      const tables = model.tables.map((t) => t.table).filter((t) => t.kind === 'table' || t.kind === 'partitioned_table');
      const statements = deps.liveNotify.ddl(tables);
      if (!confirm) return { database, statements, tables: tables.length, installed: false };
      await ddl(database, statements.join(';\n'), { dryRun: false }, actor);
      await deps.liveNotify.installed(database);
      return { database, statements, tables: tables.length, installed: true };
    },
    subscribeDatabases: (databases) => {
      const all = () => registry.list().map((c) => databaseInfo(deps, c.name));
      // SECURITY: a database-limited subscriber sees only its databases, as `databases` lists them.
      const visible = databases ? () => all().filter((d) => databases.includes(d.name)) : all;
      return databaseStream(registry, schemas, visible, Math.max(1000, deps.statusEveryMs ?? 5000));
    },
    reloadCatalog: async (name) => {
      registry.require(name);
      await schemas.reload([name]);
      deps.announce?.({ kind: 'catalog', databases: [name] });
      return databaseInfo(deps, name);
    },
    migrationStatus: async (database) => ({ database, ...(await migrationStatus(registry.require(database))) }),
    migrationRuns: async (database, scope) => {
      const stored = deps.history?.(database, scope.limit, scope.databases);
      const list = (stored ? await stored : runs.list(database, scope.limit)) as readonly MigrationRunInfo[];
      return list.filter((r) => within(r, scope.databases));
    },
    migrationRun: async (id) => (await runs.find(id)) as MigrationRunInfo | undefined,
    executeDDL: (a, actor) => ddl(a.database, a.sql, { dryRun: a.dryRun, transactional: a.transactional, lockTimeoutMs: a.lockTimeoutMs }, actor),
    createTable: (a, actor) => {
      const columns = a.input.columns.map(({ defaultFunction, ...c }): ColumnSpec => {
        // NOTE: GraphQL nulls pass through as before; buildCreateTable validates every column.
        const spec = c as ColumnSpec;
        return defaultFunction ? { ...spec, default: { function: defaultFunction as 'now()' } } : spec;
      });
      const input = { name: a.input.name, schema: a.input.schema ?? undefined, ifNotExists: a.input.ifNotExists ?? undefined, columns };
      return ddl(a.database, buildCreateTable(input), { dryRun: a.dryRun }, actor);
    },
    runMigrations: async (a, actor) => {
      // NOTE: no list means the caller's databases, never more (the table has checked any list given).
      const names = a.databases ? [...a.databases] : callerDatabases(actor, registry.list().map((c) => c.name));
      const run = await runs.begin({
        connections: names.map((n) => registry.require(n)),
        direction: a.direction,
        count: a.count ?? undefined,
        dryRun: a.dryRun,
        parallel: a.parallel ?? undefined,
        onError: a.onError ?? undefined,
        lockTimeoutMs: a.lockTimeoutMs ?? undefined,
        startedBy: actor.name,
      });
      await Promise.all(names.map((database) => audit({ actor: actor.name, action: 'MIGRATION_RUN', database, summary: `${a.direction} ${names.join(', ')} (run ${run.id})`, outcome: 'OK' })));
      return run as MigrationRunInfo;
    },
    subscribeRun: (runId) => runs.subscribe(runId) as AsyncIterableIterator<MigrationEventInfo>,
    subscribeSchemaChanged: (databases) => {
      const events = on(schemas, 'changed') as AsyncIterableIterator<[SchemaChangedInfo]>;
      if (!databases) return mapIterator(events, ([event]) => event);
      // SECURITY: a database-limited subscriber hears only of its databases, not even that others changed.
      const visible = (event: SchemaChangedInfo) => ({ ...event, databases: event.databases.filter((d) => databases.includes(d)) });
      return mapIterator(events, ([event]) => visible(event), ([event]) => visible(event).databases.length > 0);
    },
  };
}

/** Maps (and optionally filters) an async iterator, passing return() through so listeners are removed when a client leaves. */
function mapIterator<T, U>(source: AsyncIterableIterator<T>, fn: (value: T) => U, keep: (value: T) => boolean = () => true): AsyncIterableIterator<U> {
  return {
    async next() {
      for (;;) {
        const r = await source.next();
        if (r.done) return r;
        if (keep(r.value)) return { done: false, value: fn(r.value) };
      }
    },
    return: async () => (await source.return?.(), { done: true, value: undefined }),
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
