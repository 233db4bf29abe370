/** Outcome of an audited action. */
export type AuditOutcome = 'OK' | 'FAILED';

/** One audited action as written by {@link ControlStore.audit}. */
export interface AuditEntry {
  /** Who did it: identity name, API key label, "system". */
  actor: string;
  /** What was done, e.g. `migrate`, `registerDatabase`, `runDdl`. */
  action: string;
  /** Registered database it concerned, when one. */
  database?: string | null;
  /** Free text; secrets are redacted and it is cut to {@link AUDIT_SUMMARY_MAX} characters. */
  summary: string;
  outcome: AuditOutcome;
}

/** One audit row as read back. */
export interface AuditRecord {
  /** bigserial, kept as a string (exact). */
  id: string;
  at: Date;
  actor: string;
  action: string;
  database: string | null;
  summary: string;
  outcome: AuditOutcome;
}

/** Longest summary stored; longer ones end in "…". */
export const AUDIT_SUMMARY_MAX = 500;

export type StoredRunDirection = 'up' | 'down';
export type StoredRunStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABANDONED';

/**
 * A migration run as stored. Shaped so the ops layer's run object can be passed as is
 * (`control/` cannot import `ops/`, so the shape is declared here, structurally).
 */
export interface MigrationRunInput {
  id: string;
  databases: readonly string[];
  direction: StoredRunDirection;
  status: StoredRunStatus;
  error: string | null;
  /** The run's events in order; stored as JSON. */
  events: readonly unknown[];
  startedBy: string | null;
  startedAt: Date;
  finishedAt?: Date | null;
  /** As requested; null or omitted means the default. */
  count?: number | null;
  dryRun?: boolean;
}

/** A migration run as read back by {@link ControlStore.listMigrationRuns}. */
export interface MigrationRunRecord {
  id: string;
  databases: string[];
  direction: StoredRunDirection;
  status: StoredRunStatus;
  error: string | null;
  events: unknown[];
  startedBy: string | null;
  startedAt: Date;
  finishedAt: Date | null;
  count: number | null;
  dryRun: boolean;
  /** Databases migrated at a time, and what a failure did (STOP or CONTINUE). */
  parallel: number;
  onError: 'STOP' | 'CONTINUE';
  /** Per database once finished (empty while running, and for ABANDONED runs). */
  outcomes: unknown[];
}

/** Clamps a requested page size to 1..max, `fallback` when absent. */
export function clampLimit(limit: number | undefined, fallback: number, max = 1000): number {
  if (limit === undefined || !Number.isFinite(limit)) return fallback;
  return Math.min(Math.max(Math.trunc(limit), 1), max);
}

/** Cuts text to `max` characters, marking the cut. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Columns of `switchyard.migration_runs` that make a run (events aside), in the order `runFromRow` reads them. */
export const RUN_COLUMNS = 'id, databases, direction, status, error, started_by, started_at, finished_at, count, dry_run, parallel, on_error, outcomes';

/** A `migration_runs` row (selected with {@link RUN_COLUMNS}) as a run record, with the events given. */
export function runFromRow(r: Record<string, any>, events: unknown[]): MigrationRunRecord {
  return {
    id: r.id,
    databases: r.databases,
    direction: r.direction,
    status: r.status,
    error: r.error,
    events,
    startedBy: r.started_by,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    count: r.count,
    dryRun: r.dry_run,
    parallel: r.parallel,
    onError: r.on_error,
    outcomes: r.outcomes,
  } as MigrationRunRecord;
}
