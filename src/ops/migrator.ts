import path from 'node:path';
import { runner } from 'node-pg-migrate';
import type pg from 'pg';
import { isUnavailableError, unavailableError, type Connection } from '../connections/index.js';
import { GatewayError } from '../errors/index.js';
import { assertSchemaChangesAllowed, openDedicatedClient, pgErrorInfo } from './dedicated-client.js';
import type { MigrationDirection, MigrationStepEvent } from './migration-events.js';
import {
  MIGRATIONS_TABLE,
  listMigrationFiles,
  locateInMigration,
  planMigrations,
  readAppliedMigrations,
  type AppliedMigration,
  type MigrationFile,
} from './migration-plan.js';
import { applySqlMigration, locateInFile, SqlMigrationError } from './sql-migration.js';
import { StatementMonitor, type MonitorOptions } from './statement-monitor.js';

/**
 * First key of the advisory lock a migration holds (`pg_try_advisory_lock(key, hashtext(db))`).
 * ASCII "SWYD"; distinct from node-pg-migrate's own lock id.
 */
export const MIGRATION_LOCK_KEY = 0x53575944;

const SILENT_LOGGER = { info() {}, warn() {}, error() {} };

/** What {@link migrationStatus} reports. */
export interface MigrationStatus {
  /** Rows of pgmigrations, oldest first. */
  applied: AppliedMigration[];
  /** Files of the migrations directory not yet applied, in the order they would run. */
  pending: { name: string }[];
}

/** Options of {@link migrate}. */
export interface MigrateOptions {
  direction: MigrationDirection;
  /** How many migrations to run: all pending ones when going up, 1 when going down. */
  count?: number;
  /** Take the lock and report (MIGRATION_PLANNED) what would run; apply nothing, create nothing. */
  dryRun?: boolean;
  /** Called synchronously for every step event, in order. */
  onEvent?: (event: MigrationStepEvent) => void;
  /** lock_timeout of the migration's session in ms (default: the database's own setting). */
  lockTimeoutMs?: number;
  /** Sampling of LOCK_WAIT, INDEX_PROGRESS and HEARTBEAT during SQL statements. */
  monitor?: MonitorOptions;
}

/** What {@link migrate} did. */
export interface MigrateResult {
  database: string;
  direction: MigrationDirection;
  dryRun: boolean;
  /** Migrations applied (or, in a dry run, that would be), in execution order. */
  migrations: string[];
}

/**
 * Applied and pending migrations of one database, from its migrations directory and its
 * pgmigrations table (a missing table means nothing is applied). Reads only.
 */
export async function migrationStatus(connection: Connection): Promise<MigrationStatus> {
  const [files, applied] = await Promise.all([listMigrationFiles(connection.config.migrationsDir), readAppliedMigrations(connection)]);
  const done = new Set(applied.map((a) => a.name));
  return { applied, pending: files.filter((f) => !done.has(f.name)).map((f) => ({ name: f.name })) };
}

/**
 * Throws what {@link migrate} would throw before connecting: READ_ONLY, TRANSACTION_POOLER,
 * or BAD_USER_INPUT for a count that is not a positive integer.
 */
export function assertMigratable(connection: Connection, count?: number): void {
  assertSchemaChangesAllowed(connection, 'migrations');
  if (count !== undefined && (!Number.isInteger(count) || count < 1)) {
    throw new GatewayError('BAD_USER_INPUT', `[ops:${connection.name}] count must be a positive integer, got ${count}`, {
      database: connection.name,
      hint: 'omit count to run every pending migration (up) or the last one (down)',
    });
  }
}

/** Count of migrations a run would execute on a database with this status. */
export function plannedCount(status: MigrationStatus, direction: MigrationDirection, count?: number): number {
  return direction === 'up' ? Math.min(count ?? Infinity, status.pending.length) : Math.min(count ?? 1, status.applied.length);
}

/**
 * Runs migrations of one database through node-pg-migrate, one migration per transaction.
 *
 * Uses one dedicated client (not the pool) holding a session advisory lock for the whole call;
 * a second concurrent call on the same database fails at once with MIGRATION_LOCKED. A failing
 * migration is rolled back, reported (MIGRATION_FAILED event) and thrown as MIGRATION_FAILED;
 * the migrations after it do not run, the ones before it stay applied.
 *
 * @example
 * await migrate(connection, { direction: 'up', onEvent: (e) => console.log(e.type, e.name) });
 */
export async function migrate(connection: Connection, options: MigrateOptions): Promise<MigrateResult> {
  assertMigratable(connection, options.count);
  const { direction, dryRun = false, onEvent = () => {} } = options;
  const count = options.count ?? (direction === 'up' ? Infinity : 1);
  const database = connection.name;
  const client = await openDedicatedClient(connection, 'switchyard-migrate', connection.config.migrationStatementTimeoutMs);
  let monitor: StatementMonitor | undefined;
  try {
    await lock(client, connection);
    try {
      const { rows } = await client.query('SELECT pg_backend_pid() AS pid').catch((error) => Promise.reject(failure(connection, error)));
      monitor = new StatementMonitor(connection, rows[0].pid, onEvent, options.monitor);
      // NOTE: a backend notices a vanished client (kill -9 of the gateway) only when it writes, so a long
      // statement would keep the advisory lock; this makes Postgres (14+) check the socket every second.
      await client.query("SET client_connection_check_interval = '1s'").catch(() => {});
      if (options.lockTimeoutMs !== undefined) await client.query(`SET lock_timeout = ${Math.max(0, Math.trunc(options.lockTimeoutMs))}`);
      const [files, applied] = await Promise.all([
        listMigrationFiles(connection.config.migrationsDir),
        readAppliedMigrations(client),
      ]).catch((error) => Promise.reject(failure(connection, error)));
      const plan = planMigrations(database, files, applied, direction, count);
      const result: MigrateResult = { database, direction, dryRun, migrations: [] };
      for (const [i, file] of plan.entries()) {
        const step = { database, name: file.name, index: i + 1, total: plan.length };
        if (dryRun) onEvent({ type: 'MIGRATION_PLANNED', ...step });
        else await applyOne(client, connection, file, direction, step, onEvent, monitor);
        result.migrations.push(file.name);
      }
      return result;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1, hashtext(current_database()))', [MIGRATION_LOCK_KEY]).catch(() => {});
    }
  } finally {
    await monitor?.close();
    await client.end().catch(() => {});
  }
}

async function lock(client: pg.Client, connection: Connection): Promise<void> {
  const { rows } = await client
    .query('SELECT pg_try_advisory_lock($1, hashtext(current_database())) AS locked', [MIGRATION_LOCK_KEY])
    .catch((error) => Promise.reject(failure(connection, error)));
  if (rows[0].locked) return;
  throw new GatewayError('MIGRATION_LOCKED', `[ops:${connection.name}] another migration is already running on this database`, {
    database: connection.name,
    hint: 'wait for the running migration to finish (migrationProgress) and try again',
  });
}

async function applyOne(
  client: pg.Client,
  connection: Connection,
  file: MigrationFile,
  direction: MigrationDirection,
  step: { database: string; name: string; index: number; total: number },
  onEvent: (event: MigrationStepEvent) => void,
  monitor: StatementMonitor,
): Promise<void> {
  const { database, name } = step;
  onEvent({ type: 'MIGRATION_STARTED', ...step });
  const started = performance.now();
  try {
    if (path.extname(file.path) === '.sql') {
      // SQL migrations run statement by statement, so each one can be reported and watched.
      await applySqlMigration(client, database, file, direction, onEvent, monitor);
      onEvent({ type: 'MIGRATION_APPLIED', database, name, durationMs: Math.round((performance.now() - started) * 100) / 100 });
      return;
    }
    // NOTE: the lock is ours (noLock); singleTransaction with count 1 gives each migration its
    // own BEGIN/COMMIT and makes the runner ROLLBACK on failure.
    const ran = await runner({
      dbClient: client,
      dir: connection.config.migrationsDir,
      migrationsTable: MIGRATIONS_TABLE,
      direction,
      count: 1,
      noLock: true,
      singleTransaction: true,
      checkOrder: true,
      logger: SILENT_LOGGER,
    });
    if (ran[0]?.name !== name) throw new Error(`node-pg-migrate ran ${ran[0]?.name ?? 'nothing'} where ${name} was planned`);
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    const sqlError = error instanceof SqlMigrationError ? error : undefined;
    const info = pgErrorInfo(connection, sqlError ? sqlError.cause : error);
    const at =
      sqlError?.section && sqlError.statement
        ? info.position
          ? locateInFile(sqlError.section, sqlError.statement, info.position)
          : locateInFile(sqlError.section, sqlError.statement, 1)
        : info.position
          ? await locateInMigration(file, direction, info.position)
          : undefined;
    onEvent({ type: 'MIGRATION_FAILED', database, name, error: info.message });
    throw new GatewayError(
      'MIGRATION_FAILED',
      `[ops:${database}] migration ${name} (${direction}) failed${at ? ` at line ${at.line}, column ${at.column}` : ''}: ${info.message}`,
      {
        database,
        hint: 'the migration was rolled back and the ones after it did not run; fix it and run the migrations again',
        details: { migration: name, sqlState: info.sqlState, position: info.position, line: at?.line, column: at?.column },
        cause: sqlError ? sqlError.cause : error,
      },
    );
  }
  onEvent({ type: 'MIGRATION_APPLIED', database, name, durationMs: Math.round((performance.now() - started) * 100) / 100 });
}

function failure(connection: Connection, error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  if (isUnavailableError(error)) return unavailableError(connection.config, error);
  const info = pgErrorInfo(connection, error);
  return new GatewayError('MIGRATION_FAILED', `[ops:${connection.name}] cannot read the migration state: ${info.message}`, {
    database: connection.name,
    details: { sqlState: info.sqlState },
    cause: error,
  });
}
