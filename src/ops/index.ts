export { EventBus } from './event-bus.js';
export type { SubscribeOptions } from './event-bus.js';
export { migrationRunTopic } from './migration-events.js';
export type {
  MigrationDirection,
  MigrationRunStatus,
  MigrationStepEvent,
  MigrationRunFrameEvent,
  MigrationRunEvent,
  MigrationEventStamp,
  MigrationOnError,
  DatabaseOutcome,
  StatementRef,
} from './migration-events.js';
export { migrate, migrationStatus, assertMigratable, MIGRATION_LOCK_KEY } from './migrator.js';
export type { MigrateOptions, MigrateResult, MigrationStatus } from './migrator.js';
export type { AppliedMigration } from './migration-plan.js';
export { MigrationRunManager } from './migration-runs.js';
export type { MigrationRun, StartMigrationRunInput, MigrationRunManagerOptions } from './migration-runs.js';
export type { RunJournal, ExpiredRun } from './run-journal.js';
export { followStored } from './run-follower.js';
export type { MonitorOptions } from './statement-monitor.js';
export { executeDDL } from './ddl.js';
export type { ExecuteDDLOptions, DDLResult } from './ddl.js';
export { buildCreateTable, normalizeColumnType, DEFAULT_FUNCTIONS } from './create-table.js';
export type { CreateTableInput, ColumnSpec, ColumnDefault, DefaultFunction } from './create-table.js';
export { splitStatements } from './sql-statements.js';
export type { SqlStatement } from './sql-statements.js';
