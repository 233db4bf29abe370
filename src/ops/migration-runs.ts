import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Connection } from '../connections/index.js';
import { GatewayError } from '../errors/index.js';
import type { EventBus } from './event-bus.js';
import {
  migrationRunTopic,
  type DatabaseOutcome,
  type MigrationDirection,
  type MigrationOnError,
  type MigrationRunEvent,
  type MigrationRunFrameEvent,
  type MigrationStepEvent,
} from './migration-events.js';
import { messageOf, migrateEach } from './fan-out.js';
import { assertMigratable, migrationStatus, plannedCount } from './migrator.js';
import { followStored } from './run-follower.js';
import type { MigrationRun, RunJournal } from './run-journal.js';
import type { MonitorOptions } from './statement-monitor.js';

export type { MigrationRun } from './run-journal.js';

/** What {@link MigrationRunManager.start} takes. */
export interface StartMigrationRunInput {
  /** Databases to migrate, in this order (duplicates are dropped). */
  connections: Connection[];
  direction: MigrationDirection;
  count?: number;
  dryRun?: boolean;
  /** Databases migrated at a time (default 1). */
  parallel?: number;
  /** STOP (default): a failure starts no further database. CONTINUE: the others carry on. */
  onError?: MigrationOnError;
  /** lock_timeout for each migration session, in ms (default: the database's). */
  lockTimeoutMs?: number;
  /** Who asked (user id, API key name); stored on the run. */
  startedBy?: string | null;
}

/** Hooks and limits of a {@link MigrationRunManager}. */
export interface MigrationRunManagerOptions {
  /**
   * Stores a run. Called when the run starts and again when it has finished, never concurrently
   * for one run. A failure is logged and does not stop the run.
   */
  persist?: (run: MigrationRun) => Promise<void>;
  /** Runs as jobs shared by every instance (the control database); without it runs live in this process only. */
  journal?: RunJournal;
  /** Lease of a run's executor (default 15 s); renewed every third of it. */
  leaseMs?: number;
  /** LOCK_WAIT / INDEX_PROGRESS / HEARTBEAT sampling. */
  monitor?: MonitorOptions;
  /**
   * Called once per run after RUN_FINISHED, failed runs included, with the databases where at least
   * one migration was applied: the server reloads their catalogs. Empty for dry runs.
   */
  onFinished?: (run: MigrationRun, changedDatabases: ReadonlySet<string>) => void;
  /** Finished runs kept in memory for get/list (default 100); older ones live only where `persist` put them. */
  maxRuns?: number;
  log?: Logger;
}

const until = (e: MigrationRunEvent) => e.type === 'RUN_FINISHED';

/**
 * Starts migration runs in the background and publishes their events on the bus (topic
 * {@link migrationRunTopic}). With a journal, a run is a job: its row and events are stored in the
 * control database, this instance holds a lease on it, and runs executed by other instances can be
 * followed here ({@link relay}, {@link subscribe}). Up to `parallel` databases are migrated at a
 * time; with onError STOP the first failure starts no further database.
 */
export class MigrationRunManager {
  private readonly runs = new Map<string, MigrationRun>();
  private readonly settled = new Map<string, Promise<MigrationRun>>();
  private readonly options: MigrationRunManagerOptions;
  /** Foreign runs followed here: highest seq relayed, so a resync after a reconnect fills gaps only. */
  private readonly followed = new Map<string, number>();

  constructor(
    private readonly bus: EventBus<MigrationRunEvent>,
    options: MigrationRunManagerOptions = {},
  ) {
    this.options = { ...options };
  }

  /**
   * Validates the request and returns the RUNNING run at once; the migrations run in the
   * background. Throws BAD_USER_INPUT (no database, bad count or parallel), READ_ONLY, TRANSACTION_POOLER,
   * or MIGRATION_LOCKED when a run of this manager is already migrating one of the databases.
   */
  start(input: StartMigrationRunInput): MigrationRun {
    const connections = [...new Map(input.connections.map((c) => [c.name, c])).values()];
    if (connections.length === 0) {
      throw new GatewayError('BAD_USER_INPUT', '[ops:migrations] a migration run needs at least one database', {
        hint: 'pass the names of the databases to migrate',
      });
    }
    const parallel = input.parallel ?? 1;
    if (!Number.isInteger(parallel) || parallel < 1) {
      throw new GatewayError('BAD_USER_INPUT', `[ops:migrations] parallel must be a positive integer, got ${parallel}`, { hint: 'omit it to migrate one database at a time' });
    }
    for (const connection of connections) {
      assertMigratable(connection, input.count);
      const busy = this.running().find((r) => r.databases.includes(connection.name));
      if (busy) throw locked(connection.name, busy.id);
    }
    const run: MigrationRun = {
      id: randomUUID(),
      databases: connections.map((c) => c.name),
      direction: input.direction,
      count: input.count ?? null,
      dryRun: input.dryRun ?? false,
      parallel,
      onError: input.onError ?? 'STOP',
      startedBy: input.startedBy ?? null,
      status: 'RUNNING',
      error: null,
      events: [],
      outcomes: [],
      startedAt: new Date(),
      finishedAt: null,
    };
    this.runs.set(run.id, run);
    this.settled.set(run.id, this.execute(run, connections, input.lockTimeoutMs));
    return run;
  }

  /** Makes runs jobs in `journal` from now on (called once the control database is open). */
  useJournal(journal: RunJournal): void {
    this.options.journal = journal;
  }

  /** {@link start}, after checking that no other instance is migrating one of the databases (MIGRATION_LOCKED). */
  async begin(input: StartMigrationRunInput): Promise<MigrationRun> {
    const names = input.connections.map((c) => c.name);
    const elsewhere = await this.options.journal?.busy(names).catch(() => undefined);
    if (elsewhere) throw locked(names.find((n) => elsewhere.databases.includes(n)) ?? names[0], elsewhere.id);
    return this.start(input);
  }

  /** The run with this id, if this manager still holds it. */
  get(id: string): MigrationRun | undefined {
    return this.runs.get(id);
  }

  /** The run with this id from this manager or, with a journal, from any instance. */
  async find(id: string): Promise<MigrationRun | undefined> {
    return this.runs.get(id) ?? (await this.options.journal?.load(id).catch(() => undefined));
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
   * A run of another instance is replayed from the journal and followed through {@link relay}.
   * Throws NOT_FOUND for a run unknown here without a journal.
   */
  subscribe(runId: string): AsyncIterableIterator<MigrationRunEvent> {
    const run = this.runs.get(runId);
    if (run) return this.bus.subscribe(migrationRunTopic(runId), { replay: run.events, until });
    const journal = this.options.journal;
    if (!journal) throw new GatewayError('NOT_FOUND', `[ops:migrations] no migration run ${runId}`, { hint: 'list runs with migrationRuns' });
    if (!this.followed.has(runId)) this.followed.set(runId, 0);
    const live = this.bus.subscribe(migrationRunTopic(runId), { until });
    return followStored(live, (after) => journal.events(runId, after), () => this.unfollow(runId));
  }

  /**
   * Delivers an event announced by another instance to this instance's subscribers. Events of runs
   * this manager executes are ignored (published already); so are runs nobody here follows.
   */
  relay(event: MigrationRunEvent): void {
    if (this.runs.has(event.runId) || !this.followed.has(event.runId)) return;
    this.followed.set(event.runId, Math.max(this.followed.get(event.runId) ?? 0, event.seq));
    this.bus.publish(migrationRunTopic(event.runId), event);
  }

  /** After a reconnect (announcements were lost): re-reads the stored events of every followed run. */
  async resync(): Promise<void> {
    const journal = this.options.journal;
    if (!journal) return;
    for (const [runId, after] of this.followed) {
      for (const event of await journal.events(runId, after).catch(() => [])) this.relay(event);
    }
  }

  /** Closes the runs of dead instances (lease expired) as ABANDONED; returns their ids. */
  async reapAbandoned(): Promise<string[]> {
    const journal = this.options.journal;
    if (!journal) return [];
    return journal.abandonExpired((expired) => ({
      type: 'RUN_FINISHED',
      status: 'ABANDONED',
      error: `[ops:migrations] instance ${expired.owner} stopped renewing its lease; last event seen: ${describe(expired.lastEvent)}`,
      changedDatabases: [],
      outcomes: [],
      lastEvent: expired.lastEvent,
      runId: expired.id,
      seq: expired.lastSeq + 1,
      at: new Date().toISOString(),
    }));
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

  private unfollow(runId: string): void {
    if (this.bus.subscriberCount(migrationRunTopic(runId)) === 0) this.followed.delete(runId);
  }

  private running(): MigrationRun[] {
    return [...this.runs.values()].filter((r) => r.status === 'RUNNING');
  }

  private async execute(run: MigrationRun, connections: Connection[], lockTimeoutMs: number | undefined): Promise<MigrationRun> {
    // NOTE: yield first so that start() returns before any event exists.
    await Promise.resolve();
    const journal = this.options.journal;
    const leaseMs = this.options.leaseMs ?? 15_000;
    // Events are stored one after the other, so the journal holds them in seq order.
    let stored: Promise<void> = journal ? journal.create(run, leaseMs).catch((error) => this.warn(error, run, 'could not store the run')) : Promise.resolve();
    const emit = (event: MigrationStepEvent | MigrationRunFrameEvent) => {
      const stamped = { ...event, runId: run.id, at: new Date().toISOString(), seq: run.events.length + 1 } as MigrationRunEvent;
      run.events.push(stamped);
      this.bus.publish(migrationRunTopic(run.id), stamped);
      if (journal) stored = stored.then(() => journal.append(stamped).catch((error) => this.warn(error, run, 'could not store an event')));
    };
    const renew = async () => {
      if (!journal || (await journal.renew(run.id, leaseMs))) return;
      this.options.log?.error({ runId: run.id }, 'lost the lease of a running migration: another instance has closed it ABANDONED; its events are no longer stored');
    };
    const renewal = journal && setInterval(() => void renew().catch((error) => this.warn(error, run, 'could not renew the lease')), leaseMs / 3);
    renewal?.unref();

    const persisted = this.persist(run);
    const { direction, dryRun, parallel, onError } = run;
    const count = run.count ?? undefined;
    let total = 0;
    try {
      const statuses = await Promise.all(connections.map((c) => migrationStatus(c)));
      total = statuses.reduce((sum, s) => sum + plannedCount(s, direction, count), 0);
    } catch (error) {
      run.error = messageOf(error);
    }
    emit({ type: 'RUN_STARTED', databases: run.databases, direction, dryRun, total, parallel, onError });
    const fanOut = run.error
      ? { outcomes: run.databases.map((database): DatabaseOutcome => ({ database, status: 'SKIPPED', error: run.error, applied: 0 })), failures: [], changed: new Set<string>() }
      : await migrateEach(connections, { direction, count, dryRun, lockTimeoutMs, monitor: this.options.monitor, parallel, onError }, emit);
    const { failures, changed } = fanOut;
    if (!run.error && failures.length) run.error = failures.length === 1 ? failures[0] : `${failures.length} databases failed; first: ${failures[0]}`;
    run.status = run.error ? 'FAILED' : 'SUCCEEDED';
    run.finishedAt = new Date();
    run.outcomes = fanOut.outcomes;
    if (renewal) clearInterval(renewal);
    // NOTE: the stored row is final before RUN_FINISHED is announced, so a follower that reads it then sees the outcome.
    await stored;
    await journal?.finish(run).catch((error) => this.warn(error, run, 'could not store the outcome'));
    emit({ type: 'RUN_FINISHED', status: run.status, error: run.error, changedDatabases: [...changed], outcomes: run.outcomes });
    try {
      this.options.onFinished?.(run, changed);
    } catch (error) {
      this.options.log?.error({ err: messageOf(error), runId: run.id }, 'onFinished hook failed');
    }
    await persisted;
    await this.persist(run);
    await stored;
    this.evict();
    return run;
  }

  private warn(error: unknown, run: MigrationRun, what: string): void {
    this.options.log?.warn({ err: messageOf(error), runId: run.id }, what);
  }

  private async persist(run: MigrationRun): Promise<void> {
    try {
      await this.options.persist?.(run);
    } catch (error) {
      this.warn(error, run, 'could not persist migration run');
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

function locked(database: string, runId: string): GatewayError {
  return new GatewayError('MIGRATION_LOCKED', `[ops:${database}] migration run ${runId} is already migrating this database`, {
    database,
    hint: `subscribe to migrationProgress(runId: "${runId}") and start again when it has finished`,
    details: { runId },
  });
}

function describe(event: MigrationRunEvent | null): string {
  if (!event) return 'none';
  const where = 'database' in event && event.database ? ` ${event.database}` : '';
  const what = 'name' in event && event.name ? ` ${event.name}` : '';
  const statement = 'statement' in event ? ` statement ${event.statement}/${event.statements}` : '';
  return `#${event.seq} ${event.type}${where}${what}${statement}`;
}
