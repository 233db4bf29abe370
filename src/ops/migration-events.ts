/** Direction of a migration run: `up` applies pending migrations, `down` reverts applied ones. */
export type MigrationDirection = 'up' | 'down';

/** Lifecycle of a migration run. */
export type MigrationRunStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED';

/**
 * What the migrator reports about one migration of one database (see docs/PROTOCOL.md).
 * `index` is 1-based within the database, `total` is that database's count for this run.
 */
export type MigrationStepEvent =
  | { type: 'MIGRATION_STARTED'; database: string; name: string; index: number; total: number }
  | { type: 'MIGRATION_APPLIED'; database: string; name: string; durationMs: number }
  | { type: 'MIGRATION_FAILED'; database: string; name: string; error: string }
  /** Dry runs only: this migration would run, nothing was applied. */
  | { type: 'MIGRATION_PLANNED'; database: string; name: string; index: number; total: number };

/** Run-level events that frame the step events. */
export type MigrationRunFrameEvent =
  | {
      type: 'RUN_STARTED';
      databases: string[];
      direction: MigrationDirection;
      dryRun: boolean;
      /** Migrations to run over all databases, as planned when the run started. */
      total: number;
    }
  | {
      type: 'RUN_FINISHED';
      status: Exclude<MigrationRunStatus, 'RUNNING'>;
      error: string | null;
      /** Databases where at least one migration was applied (their catalogs need a reload). */
      changedDatabases: string[];
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
