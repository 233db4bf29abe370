import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Connection } from '../connections/index.js';
import { GatewayError } from '../errors/index.js';
import type { EventBus } from './event-bus.js';
import {
  migrationRunTopic,
  type MigrationDirection,
  type MigrationRunEvent,
  type MigrationRunFrameEvent,
  type MigrationRunStatus,
  type MigrationStepEvent,
} from './migration-events.js';
import { assertMigratable, migrate, migrationStatus, plannedCount } from './migrator.js';

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
  startedBy: string | null;
  status: MigrationRunStatus;
  /** Message of the error that failed the run. */
  error: string | null;
  /** Every event published so far, in seq order (the replay for late subscribers). */
  events: MigrationRunEvent[];
  startedAt: Date;
  finishedAt: Date | null;
}

/** What {@link MigrationRunManager.start} takes. */
export interface StartMigrationRunInput {
  /** Databases to migrate, one after the other in this order (duplicates are dropped). */
  connections: Connection[];
  direction: MigrationDirection;
  count?: number;
  dryRun?: boolean;
  /** Who asked (user id, API key name); stored on the run. */
  startedBy?: string | null;
}

/** Hooks and limits of a {@link MigrationRunManager}. */
export interface MigrationRunManagerOptions {
  /**
   * Stores a run (the control database provides it). Called when the run starts and again when
   * it has finished, never concurrently for one run. A failure is logged and does not stop the run.
   */
  persist?: (run: MigrationRun) => Promise<void>;
  /**
   * Called once per run after RUN_FINISHED, failed runs included, with the databases where at least
   * one migration was applied: the server reloads their catalogs. Empty for dry runs.
   */
  onFinished?: (run: MigrationRun, changedDatabases: ReadonlySet<string>) => void;
  /** Finished runs kept in memory for get/list (default 100); older ones live only where `persist` put them. */
  maxRuns?: number;
  log?: Logger;
}

/**
 * Starts migration runs in the background and publishes their events on the bus
 * (topic {@link migrationRunTopic}). Databases of a run are migrated one after the other;
 * the first failure ends the run FAILED and the remaining databases are not touched, so a
 * fan-out never leaves more databases half-migrated than the one that failed.
 */
export class MigrationRunManager {
  private readonly runs = new Map<string, MigrationRun>();
  private readonly settled = new Map<string, Promise<MigrationRun>>();
  private readonly options: MigrationRunManagerOptions;

  constructor(
    private readonly bus: EventBus<MigrationRunEvent>,
    options: MigrationRunManagerOptions = {},
  ) {
    this.options = options;
  }

  /**
   * Validates the request and returns the RUNNING run at once; the migrations run in the
   * background. Throws BAD_USER_INPUT (no database, bad count), READ_ONLY, TRANSACTION_POOLER,
   * or MIGRATION_LOCKED when a run of this manager is already migrating one of the databases.
   */
  start(input: StartMigrationRunInput): MigrationRun {
    const connections = [...new Map(input.connections.map((c) => [c.name, c])).values()];
    if (connections.length === 0) {
      throw new GatewayError('BAD_USER_INPUT', '[ops:migrations] a migration run needs at least one database', {
        hint: 'pass the names of the databases to migrate',
      });
    }
    for (const connection of connections) {
      assertMigratable(connection, input.count);
      const busy = this.running().find((r) => r.databases.includes(connection.name));
      if (busy) {
        throw new GatewayError('MIGRATION_LOCKED', `[ops:${connection.name}] migration run ${busy.id} is already migrating this database`, {
          database: connection.name,
          hint: `subscribe to migrationProgress(runId: "${busy.id}") and start again when it has finished`,
          details: { runId: busy.id },
        });
      }
    }
    const run: MigrationRun = {
      id: randomUUID(),
      databases: connections.map((c) => c.name),
      direction: input.direction,
      count: input.count ?? null,
      dryRun: input.dryRun ?? false,
      startedBy: input.startedBy ?? null,
      status: 'RUNNING',
      error: null,
      events: [],
      startedAt: new Date(),
      finishedAt: null,
    };
    this.runs.set(run.id, run);
    this.settled.set(run.id, this.execute(run, connections));
    return run;
  }

  /** The run with this id, if this manager still holds it. */
  get(id: string): MigrationRun | undefined {
    return this.runs.get(id);
  }

  /** Runs held in memory, newest first, optionally only those touching `database`. */
  list(database?: string, limit = 20): MigrationRun[] {
    return [...this.runs.values()]
      .filter((r) => !database || r.databases.includes(database))
      .sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime())
      .slice(0, limit);
  }

  /**
   * Events of a run: first those published so far, then live ones; completes after RUN_FINISHED.
   * Throws NOT_FOUND for an unknown run.
   */
  subscribe(runId: string): AsyncIterableIterator<MigrationRunEvent> {
    const run = this.runs.get(runId);
    if (!run) throw new GatewayError('NOT_FOUND', `[ops:migrations] no migration run ${runId}`, { hint: 'list runs with migrationRuns' });
    return this.bus.subscribe(migrationRunTopic(runId), { replay: run.events, until: (e) => e.type === 'RUN_FINISHED' });
  }

  /** Resolves with the run once it has finished and been persisted. */
  async wait(runId: string): Promise<MigrationRun> {
    const settled = this.settled.get(runId);
    if (!settled) throw new GatewayError('NOT_FOUND', `[ops:migrations] no migration run ${runId}`);
    return settled;
  }

  /** Waits for every run in progress (graceful shutdown). */
  async drain(): Promise<void> {
    await Promise.all(this.running().map((r) => this.settled.get(r.id)));
  }

  private running(): MigrationRun[] {
    return [...this.runs.values()].filter((r) => r.status === 'RUNNING');
  }

  private emit(run: MigrationRun, event: MigrationStepEvent | MigrationRunFrameEvent): void {
    const stamped = { ...event, runId: run.id, at: new Date().toISOString(), seq: run.events.length + 1 } as MigrationRunEvent;
    run.events.push(stamped);
    this.bus.publish(migrationRunTopic(run.id), stamped);
  }

  private async execute(run: MigrationRun, connections: Connection[]): Promise<MigrationRun> {
    // NOTE: yield first so that start() returns before any event exists.
    await Promise.resolve();
    const persisted = this.persist(run);
    const changed = new Set<string>();
    const { direction, dryRun } = run;
    const count = run.count ?? undefined;
    let total = 0;
    try {
      const statuses = await Promise.all(connections.map((c) => migrationStatus(c)));
      total = statuses.reduce((sum, s) => sum + plannedCount(s, direction, count), 0);
    } catch (error) {
      run.error = messageOf(error);
    }
    this.emit(run, { type: 'RUN_STARTED', databases: run.databases, direction, dryRun, total });
    for (const connection of run.error ? [] : connections) {
      const onEvent = (event: MigrationStepEvent) => {
        if (event.type === 'MIGRATION_APPLIED') changed.add(event.database);
        this.emit(run, event);
      };
      try {
        await migrate(connection, { direction, count, dryRun, onEvent });
      } catch (error) {
        run.error = messageOf(error);
        break;
      }
    }
    run.status = run.error ? 'FAILED' : 'SUCCEEDED';
    run.finishedAt = new Date();
    this.emit(run, { type: 'RUN_FINISHED', status: run.status, error: run.error, changedDatabases: [...changed] });
    try {
      this.options.onFinished?.(run, changed);
    } catch (error) {
      this.options.log?.error({ err: messageOf(error), runId: run.id }, 'onFinished hook failed');
    }
    await persisted;
    await this.persist(run);
    this.evict();
    return run;
  }

  private async persist(run: MigrationRun): Promise<void> {
    try {
      await this.options.persist?.(run);
    } catch (error) {
      this.options.log?.warn({ err: messageOf(error), runId: run.id }, 'could not persist migration run');
    }
  }

  private evict(): void {
    const max = this.options.maxRuns ?? 100;
    const finished = [...this.runs.values()].filter((r) => r.status !== 'RUNNING');
    for (const run of finished.slice(0, Math.max(0, finished.length - max))) {
      this.runs.delete(run.id);
      this.settled.delete(run.id);
    }
  }
}

function messageOf(error: unknown): string {
  if (error instanceof GatewayError) return error.message;
  return `[ops:migrations] ${error instanceof Error ? error.message : String(error)}`;
}
