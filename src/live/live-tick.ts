import type { CompiledQuery } from '../compile/index.js';
import type { Connection, SessionSettings } from '../connections/index.js';
import { tablesOf, type ChangeNotifications } from './live-notify.js';
import { multiplexParameters, multiplexSql, parameterCount, splitMemberRows } from './multiplex.js';

type Rows = Record<string, any>[];

/** Runs one statement on a database, under `session` when the database has RLS. */
export type StatementRunner = (connection: Connection, session: SessionSettings | undefined, query: CompiledQuery) => Promise<Rows>;

/** Finds the parameter types Postgres infers for a statement (cached by the caller). */
export type TypeOracle = (connection: Connection, sql: string) => Promise<readonly string[]>;

interface Member {
  key: string;
  parameters: readonly unknown[];
  waiters: { resolve(rows: Rows): void; reject(error: unknown): void }[];
}

/** Reads of one statement shape on one database under one session, gathered in one flush. */
interface Cohort {
  key: string;
  /** Notify mode: store the rows read, under these tables, at this sequence. */
  cacheAs?: { tables: string[]; seq: number; epoch: number };
  connection: Connection;
  session: SessionSettings | undefined;
  sql: string;
  members: Map<string, Member>;
}

/** What one refresh cost, for the counters. */
export interface TickStats {
  /** Distinct (database, session, statement shape) groups refreshed. */
  cohorts: number;
  /** Statements sent (a cohort larger than batchSize takes several). */
  statements: number;
  /** Distinct parameter sets carried. */
  members: number;
  /** Members answered from the notify-mode cache (their tables had not changed): no statement. */
  cached: number;
}

/** A member's last rows in notify mode, and the notification sequence they were read at. */
export interface CachedRows {
  rows: Rows;
  seq: number;
  epoch: number;
  /** The refresh that last used it (stale entries are dropped). */
  usedAt: number;
}

export interface LiveTickOptions {
  run: StatementRunner;
  types: TypeOracle;
  /** Most members in one statement, per database. */
  batchSize(database: string): number;
  /** Told of each statement sent (database, members in it). */
  onStatement?(database: string, members: number): void;
  /** Notify mode: which databases' changes are known, and the cache of unchanged members. */
  notify?: ChangeNotifications;
  cache?: Map<string, CachedRows>;
  /**
   * Wait this long (ms) before a flush instead of one macrotask, to gather reads that arrive over
   * a little time (first results of live queries opened in a burst). Default 0.
   */
  gatherMs?: number;
  /** This refresh's number (for the cache's pruning). */
  serial?: number;
  /**
   * Members whose values made a cohort statement fail (by cohort and parameters, with the refresh
   * that last saw them): they run alone from then on, so they cannot fail the others.
   */
  isolated?: Map<string, number>;
}

/**
 * SECURITY: an error caused by a statement's data (a value that does not cast, a division by zero)
 * rather than by the database being unreachable. One member's values must not fail its cohort.
 */
function isStatementError(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && !code.startsWith('08') && !code.startsWith('57P');
}

/**
 * One refresh of live queries. Every read issued while it is open (by all live subscriptions
 * executed for it) is held until the next macrotask, then reads with the same SQL text on the
 * same database and session form a cohort: ONE statement carries every distinct parameter set
 * (members) of the cohort, chunked at `batchSize`; identical parameter sets share one member.
 * Reads issued later (cross-database edges, once the rows they hang off are known) are gathered
 * into the next flush the same way, so an edge costs one statement per cohort, not per subscriber.
 */
export class LiveTick {
  readonly stats: TickStats = { cohorts: 0, statements: 0, members: 0, cached: 0 };
  private pending = new Map<string, Cohort>();
  private readonly memo = new Map<string, unknown>();
  private scheduled = false;
  private inFlight = 0;
  private idle: (() => void)[] = [];

  constructor(private readonly options: LiveTickOptions) {}

  /** One read of `query` on `connection` (under `session`), answered from this tick's cohort statement. */
  read(connection: Connection, session: SessionSettings | undefined, sessionKey: string, query: CompiledQuery): Promise<Rows> {
    const key = `${connection.name}\u0000${sessionKey}\u0000${query.sql}`;
    let cohort = this.pending.get(key);
    if (!cohort) this.pending.set(key, (cohort = { key, connection, session, sql: query.sql, members: new Map() }));
    const memberKey = JSON.stringify(query.parameters);
    let member = cohort.members.get(memberKey);
    if (!member) cohort.members.set(memberKey, (member = { key: memberKey, parameters: query.parameters, waiters: [] }));
    const waiting = new Promise<Rows>((resolve, reject) => member.waiters.push({ resolve, reject }));
    if (!this.scheduled) {
      this.scheduled = true;
      this.inFlight++;
      // NOTE: a macrotask later every subscription of this tick has issued its reads (they run in microtasks).
      const gather = this.options.gatherMs ?? 0;
      if (gather > 0) setTimeout(() => void this.flush(), gather);
      else setImmediate(() => void this.flush());
    }
    return waiting;
  }

  /**
   * PERF: `make()` once per key in this refresh. Live queries with the same document, variables
   * and credentials execute once per refresh and share the result.
   */
  shared<T>(key: string, make: () => T): T {
    if (this.memo.has(key)) return this.memo.get(key) as T;
    const value = make();
    this.memo.set(key, value);
    return value;
  }

  /**
   * Resolves once this tick's statements are done: no flush scheduled or running, checked a
   * macrotask after the last one ended (reads issued by its continuations come before that).
   */
  async settled(): Promise<void> {
    for (;;) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.inFlight === 0) return;
      await new Promise<void>((resolve) => this.idle.push(resolve));
    }
  }

  private async flush(): Promise<void> {
    const cohorts = [...this.pending.values()];
    this.pending = new Map();
    this.scheduled = false;
    try {
      await Promise.all(cohorts.map((c) => this.refresh(c)));
    } finally {
      if (--this.inFlight === 0) this.idle.splice(0).forEach((resolve) => resolve());
    }
  }

  private async refresh(cohort: Cohort): Promise<void> {
    let members = [...cohort.members.values()];
    const { connection } = cohort;
    this.stats.cohorts++;
    this.stats.members += members.length;
    const fresh = this.unchanged(cohort);
    if (fresh) {
      members = members.filter((m) => !fresh(m));
      if (members.length === 0) return;
    }
    const { isolated } = this.options;
    const alone = isolated ? members.filter((m) => isolated.has(`${cohort.key}\u0000${m.key}`)) : [];
    if (alone.length) {
      members = members.filter((m) => !alone.includes(m));
      alone.forEach((m) => isolated!.set(`${cohort.key}\u0000${m.key}`, this.options.serial ?? 0));
    }
    const size = this.options.batchSize(connection.name);
    const chunks: Member[][] = alone.map((m) => [m]);
    for (let i = 0; i < members.length; i += size) chunks.push(members.slice(i, i + size));
    await Promise.all(chunks.map((chunk) => this.runChunk(cohort, chunk)));
  }

  /**
   * Notify mode: a function that answers a member from the cache when none of the cohort's tables
   * changed since it was read (and says whether it did), or undefined when the cohort must be polled
   * (no notify mode, listener down, or a table without the trigger, e.g. a view).
   */
  private unchanged(cohort: Cohort): ((member: Member) => boolean) | undefined {
    const { notify, cache } = this.options;
    const watch = notify && cache ? notify.active(cohort.connection) : undefined;
    if (!watch || !cache) return undefined;
    const tables = tablesOf(cohort.sql);
    if (tables.length === 0 || !tables.every((t) => watch.watched.has(t))) return undefined;
    const serial = this.options.serial ?? 0;
    // The sequence before the statement is sent: a change notified after it makes the rows stale.
    const seq = notify!.seq;
    cohort.cacheAs = { tables, seq, epoch: watch.epoch };
    return (member) => {
      const entry = cache.get(`${cohort.key}\u0000${member.key}`);
      if (!entry || entry.epoch !== watch.epoch || tables.some((t) => (watch.changed.get(t) ?? -1) > entry.seq)) return false;
      entry.usedAt = serial;
      this.stats.cached++;
      member.waiters.forEach((w) => w.resolve(entry.rows));
      return true;
    };
  }

  private async runChunk(cohort: Cohort, chunk: Member[], rethrow = false): Promise<void> {
    const { connection, session, sql } = cohort;
    try {
      let perMember: Rows[];
      if (chunk.length === 1) {
        this.count(connection.name, 1);
        perMember = [await this.options.run(connection, session, { sql, parameters: chunk[0].parameters })];
      } else {
        const found = await this.options.types(connection, sql);
        const count = Math.max(found.length, parameterCount(sql));
        const types = Array.from({ length: count }, (_, i) => found[i] ?? 'text');
        this.count(connection.name, chunk.length);
        const rows = await this.options.run(connection, session, {
          sql: multiplexSql(sql, types),
          parameters: multiplexParameters(
            chunk.map((m) => m.parameters),
            count,
          ),
        });
        perMember = splitMemberRows(rows, chunk.length);
      }
      const { cache } = this.options;
      if (cohort.cacheAs && cache) {
        const { seq, epoch } = cohort.cacheAs;
        chunk.forEach((member, i) => cache.set(`${cohort.key}\u0000${member.key}`, { rows: perMember[i], seq, epoch, usedAt: this.options.serial ?? 0 }));
      }
      chunk.forEach((member, i) => member.waiters.forEach((w) => w.resolve(perMember[i])));
    } catch (error) {
      if (chunk.length > 1 && isStatementError(error) && this.options.isolated) {
        // One statement per member this once, to find who failed it; those run alone from now on.
        const isolated = this.options.isolated;
        await Promise.all(
          chunk.map(async (member) => {
            try {
              await this.runChunk(cohort, [member], true);
            } catch {
              isolated.set(`${cohort.key}\u0000${member.key}`, this.options.serial ?? 0);
            }
          }),
        );
        return;
      }
      chunk.forEach((member) => member.waiters.forEach((w) => w.reject(error)));
      if (rethrow) throw error;
    }
  }

  private count(database: string, members: number): void {
    this.stats.statements++;
    this.options.onStatement?.(database, members);
  }
}
