/** Direction of a migration run: `up` applies pending migrations, `down` reverts applied ones. */
export type MigrationDirection = 'up' | 'down';

/**
 * Lifecycle of a migration run. ABANDONED: the instance executing it stopped renewing its lease
 * (killed, cut off from the control database) and another instance closed the run.
 */
export type MigrationRunStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABANDONED';

/** What a fan-out does when one database fails: STOP starts no further database, CONTINUE carries on. */
export type MigrationOnError = 'STOP' | 'CONTINUE';

/** Where one statement of a SQL migration is: its 1-based number, the count and its first line. */
export interface StatementRef {
  database: string;
  /** Migration name. */
  name: string;
  statement: number;
  statements: number;
  firstLine: string;
}

/**
 * What the migrator reports about one migration of one database (see docs/PROTOCOL.md).
 * `index` is 1-based within the database, `total` is that database's count for this run.
 */
export type MigrationStepEvent =
  | { type: 'MIGRATION_STARTED'; database: string; name: string; index: number; total: number }
  | { type: 'MIGRATION_APPLIED'; database: string; name: string; durationMs: number }
  | { type: 'MIGRATION_FAILED'; database: string; name: string; error: string }
  /** Dry runs only: this migration would run, nothing was applied. */
  | { type: 'MIGRATION_PLANNED'; database: string; name: string; index: number; total: number }
  | ({ type: 'STATEMENT_STARTED' } & StatementRef)
  | ({ type: 'STATEMENT_FINISHED'; durationMs: number } & StatementRef)
  /** The statement waits for a lock held by `blockingPid` (0 when Postgres names none). */
  | ({ type: 'LOCK_WAIT'; waitedMs: number; blockingPid: number; blockingQuery: string | null } & StatementRef)
  /** A row of pg_stat_progress_create_index for the statement's backend. */
  | ({
      type: 'INDEX_PROGRESS';
      phase: string;
      blocksDone: number;
      blocksTotal: number;
      tuplesDone: number;
      tuplesTotal: number;
    } & StatementRef)
  /** The statement is still running after `elapsedMs`. */
  | ({ type: 'HEARTBEAT'; elapsedMs: number } & StatementRef);

/** How one database of a run ended. SKIPPED: never started (a run with onError STOP failed before it). */
export interface DatabaseOutcome {
  database: string;
  status: 'SUCCEEDED' | 'FAILED' | 'SKIPPED';
  error: string | null;
  /** Migrations applied (or planned, in a dry run) on this database. */
  applied: number;
}

/** Run-level events that frame the step events. */
export type MigrationRunFrameEvent =
  | {
      type: 'RUN_STARTED';
      databases: string[];
      direction: MigrationDirection;
      dryRun: boolean;
      /** Migrations to run over all databases, as planned when the run started. */
      total: number;
      parallel: number;
      onError: MigrationOnError;
    }
  | {
      type: 'RUN_FINISHED';
      status: Exclude<MigrationRunStatus, 'RUNNING'>;
      error: string | null;
      /** Databases where at least one migration was applied (their catalogs need a reload). */
      changedDatabases: string[];
      /** One entry per database of the run, in run order (empty for an ABANDONED run: its executor is gone). */
      outcomes: DatabaseOutcome[];
      /** ABANDONED runs: the last event the executing instance stored before it went silent. */
      lastEvent?: MigrationRunEvent | null;
    };

/** Fields every published event carries. */
export interface MigrationEventStamp {
  runId: string;
  /** ISO 8601 timestamp of publication. */
  at: string;
  /** 1-based, gap-free position of the event within its run. */
  seq: number;
}

/** One event of a migration run as published on the bus and stored in `MigrationRun.events`. */
export type MigrationRunEvent = (MigrationStepEvent | MigrationRunFrameEvent) & MigrationEventStamp;

/** Bus topic carrying the events of one run. */
export function migrationRunTopic(runId: string): string {
  return `migration-run:${runId}`;
}
