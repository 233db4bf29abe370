import type { DatabaseOutcome, MigrationDirection, MigrationOnError, MigrationRunEvent, MigrationRunStatus } from './migration-events.js';

/**
 * One migration run over one or more databases. The manager mutates it while it runs;
 * readers (resolvers, the persist hook) must not.
 */
export interface MigrationRun {
  id: string;
  /** Registered database names, in the order they are migrated. */
  databases: string[];
  direction: MigrationDirection;
  /** As requested; null means the default (all pending up, 1 down). */
  count: number | null;
  dryRun: boolean;
  /** How many databases are migrated at a time (1: one after the other). */
  parallel: number;
  onError: MigrationOnError;
  startedBy: string | null;
  status: MigrationRunStatus;
  /** Message of the error that failed the run. */
  error: string | null;
  /** Every event published so far, in seq order (the replay for late subscribers). */
  events: MigrationRunEvent[];
  /** Per database, once the run has finished. */
  outcomes: DatabaseOutcome[];
  startedAt: Date;
  finishedAt: Date | null;
}

/** A run that lost its executor: what {@link RunJournal.abandonExpired} hands to its `finish` callback. */
export interface ExpiredRun {
  id: string;
  owner: string;
  /** Highest stored seq (0: none). */
  lastSeq: number;
  lastEvent: MigrationRunEvent | null;
}

/**
 * Where runs live beyond one process (the control database): the row of each run with the lease
 * of the instance executing it, and its events in order. Every instance can read a run and its
 * events; only the owner appends, except the RUN_FINISHED of an abandoned run.
 */
export interface RunJournal {
  /** This instance's id, stored as the owner of the runs it executes. */
  readonly instanceId: string;
  /** Inserts `run` as RUNNING, owned by this instance, leased for `leaseMs`. */
  create(run: MigrationRun, leaseMs: number): Promise<void>;
  /** Extends the lease; false when the run is no longer this instance's RUNNING run. */
  renew(runId: string, leaseMs: number): Promise<boolean>;
  /** Stores one event and announces it to every instance. Called in seq order, one at a time per run. */
  append(event: MigrationRunEvent): Promise<void>;
  /** Stores the final status, error, outcomes and finish time. */
  finish(run: MigrationRun): Promise<void>;
  /** A run written by any instance, with its stored events; undefined when unknown. */
  load(runId: string): Promise<MigrationRun | undefined>;
  /** Stored events of a run with seq > `after`, in order. */
  events(runId: string, after: number): Promise<MigrationRunEvent[]>;
  /** A RUNNING run with a live lease touching one of `databases`, if any. */
  busy(databases: readonly string[]): Promise<{ id: string; databases: string[] } | undefined>;
  /**
   * Marks ABANDONED every RUNNING run whose lease has expired, appending (and announcing) the
   * event `finish` builds for it, each in one transaction; exactly one instance wins each run.
   */
  abandonExpired(finish: (run: ExpiredRun) => MigrationRunEvent): Promise<string[]>;
}
