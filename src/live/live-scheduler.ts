import type { LiveConfig } from '../config/index.js';
import { GatewayError } from '../errors/index.js';
import type { ChangeNotifications } from './live-notify.js';
import { LiveTick, type CachedRows, type LiveTickOptions, type TickStats } from './live-tick.js';

/** Counters of live queries, for /metrics, tests and the benchmark. */
export interface LiveStats {
  /** Live queries open now. */
  open: number;
  /** Refreshes (beats) finished since start, all interval groups. */
  ticks: number;
  /** Statements sent by refreshes since start (first results included). */
  statements: number;
  /** The last finished refresh. */
  last: TickStats & { subscriptions: number; durationMs: number };
}

/** How long first results wait to be gathered with those of other live queries opened meanwhile. */
export const FIRST_RESULT_GATHER_MS = 10;

interface Group {
  intervalMs: number;
  streams: Set<Stream>;
  timer?: NodeJS.Timeout;
  /** The refresh not yet finished; the timer skips a beat rather than overlap it. */
  running?: LiveTick;
}

/**
 * How live queries that read the same rows and build the same result share one execution per
 * refresh (the server builds it: same document, variables and credentials).
 */
export interface LiveShare {
  key: string;
  /** Executes the live query's selection for one refresh: its result and a hash of it. */
  execute(tick: LiveTick): Promise<{ result: unknown; hash: string }>;
}

/** A result already executed for a live query with a share, delivered only when it changed. */
export class LiveResult {
  constructor(readonly result: unknown) {}
}

type LiveEvent = LiveTick | LiveResult;

/** The refreshes (or results) one live query receives; one not yet taken is replaced by a newer one. */
class Stream implements AsyncIterableIterator<LiveEvent> {
  private pending: LiveEvent | undefined;
  private waiting: ((r: IteratorResult<LiveEvent>) => void) | undefined;
  private closed = false;
  /** With a share: the hash of the last result handed over. */
  lastHash: string | undefined;

  constructor(readonly share: LiveShare | undefined, private readonly onClose: (s: Stream) => void) {}

  deliver(tick: LiveEvent): void {
    if (this.closed) return;
    if (!this.waiting) {
      this.pending = tick;
      return;
    }
    const resolve = this.waiting;
    this.waiting = undefined;
    resolve({ done: false, value: tick });
  }

  next(): Promise<IteratorResult<LiveEvent>> {
    if (this.closed) return Promise.resolve({ done: true, value: undefined });
    const tick = this.pending;
    if (tick) {
      this.pending = undefined;
      return Promise.resolve({ done: false, value: tick });
    }
    return new Promise((resolve) => (this.waiting = resolve));
  }

  return(): Promise<IteratorResult<LiveEvent>> {
    if (!this.closed) {
      this.closed = true;
      this.pending = undefined;
      this.waiting?.({ done: true, value: undefined });
      this.waiting = undefined;
      this.onClose(this);
    }
    return Promise.resolve({ done: true, value: undefined });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<LiveEvent> {
    return this;
  }
}

/**
 * PERF: runs each share's execution once for `tick` and hands its result only to the streams
 * whose last result differs; a live query whose result did not change is not woken at all.
 */
function fanOut(tick: LiveTick, streams: Iterable<Stream>): void {
  const byKey = new Map<string, Stream[]>();
  for (const stream of streams) {
    if (!stream.share) {
      stream.deliver(tick);
      continue;
    }
    const list = byKey.get(stream.share.key);
    if (list) list.push(stream);
    else byKey.set(stream.share.key, [stream]);
  }
  for (const list of byKey.values()) {
    void list[0].share!.execute(tick).then(
      ({ result, hash }) => {
        for (const stream of list) {
          if (stream.lastHash === hash) continue;
          stream.lastHash = hash;
          stream.deliver(new LiveResult(result));
        }
      },
      () => {},
    );
  }
}

export interface LiveSchedulerOptions extends Omit<LiveTickOptions, 'batchSize' | 'cache' | 'serial' | 'notify'> {
  /** Notify mode (databases with `live.notify`); without it every cohort is polled. */
  notify?: ChangeNotifications;
  live: LiveConfig;
  /** Per-database overrides (interval, batch size) of the global `live`. */
  override(database: string): { intervalMs?: number; batchSize?: number } | undefined;
}

/**
 * Drives live queries: one timer per interval length, and at each beat one {@link LiveTick}
 * shared by every live query of that interval, so their reads are multiplexed. A live query's
 * first result comes from a refresh started at once (shared by those opened in the same
 * macrotask). A live query busy with a refresh when the next one comes skips to the newest.
 * Owns its timers: `close()` stops them.
 */
export class LiveScheduler {
  private readonly groups = new Map<number, Group>();
  private readonly perOwner = new WeakMap<object, number>();
  private open = 0;
  private immediate: LiveTick | undefined;
  private readonly totals = { ticks: 0, statements: 0 };
  private last: LiveStats['last'] = { cohorts: 0, statements: 0, members: 0, cached: 0, subscriptions: 0, durationMs: 0 };
  /** Notify mode: members' rows by cohort and parameters, while their tables do not change. */
  private readonly cache = new Map<string, CachedRows>();
  /** Members that failed their cohort's statement run alone (see LiveTickOptions.isolated). */
  private readonly isolated = new Map<string, number>();
  private serial = 0;
  private readonly listeners = new Set<(stats: LiveStats['last']) => void>();

  constructor(private readonly options: LiveSchedulerOptions) {}

  intervalOf(database: string): number {
    return this.options.override(database)?.intervalMs ?? this.options.live.intervalMs;
  }

  private batchSize = (database: string): number => this.options.override(database)?.batchSize ?? this.options.live.batchSize;

  private tickOptions(): LiveTickOptions {
    return { ...this.options, batchSize: this.batchSize, cache: this.options.notify ? this.cache : undefined, isolated: this.isolated, serial: this.serial };
  }

  private newTick(): LiveTick {
    return new LiveTick(this.tickOptions());
  }

  /**
   * Opens a live query on `database` for `owner` (its WebSocket, or any object standing for one).
   * @throws GatewayError LIMIT_EXCEEDED above `live.maxTotal` or `live.maxPerConnection`.
   */
  subscribe(database: string, owner: object, share?: LiveShare): AsyncIterableIterator<LiveTick | LiveResult> {
    const { maxTotal, maxPerConnection } = this.options.live;
    const mine = this.perOwner.get(owner) ?? 0;
    if (this.open >= maxTotal) {
      throw new GatewayError('LIMIT_EXCEEDED', `[live] this gateway already serves ${maxTotal} live queries (live.maxTotal)`, { hint: 'try again later, or raise live.maxTotal' });
    }
    if (mine >= maxPerConnection) {
      throw new GatewayError('LIMIT_EXCEEDED', `[live] this connection already holds ${maxPerConnection} live queries (live.maxPerConnection)`, {
        hint: 'complete some, open another connection, or raise live.maxPerConnection',
      });
    }
    this.open++;
    this.perOwner.set(owner, mine + 1);
    const intervalMs = this.intervalOf(database);
    let group = this.groups.get(intervalMs);
    if (!group) this.groups.set(intervalMs, (group = { intervalMs, streams: new Set() }));
    const g = group;
    const stream = new Stream(share, (s) => {
      this.open--;
      this.perOwner.set(owner, (this.perOwner.get(owner) ?? 1) - 1);
      g.streams.delete(s);
      if (g.streams.size === 0) {
        clearInterval(g.timer);
        g.timer = undefined;
        this.groups.delete(g.intervalMs);
      }
    });
    g.streams.add(stream);
    fanOut(this.firstTick(), [stream]);
    if (!g.timer) {
      g.timer = setInterval(() => this.beat(g), intervalMs);
      g.timer.unref();
    }
    return stream;
  }

  /**
   * The refresh for first results, shared by the live queries opened within {@link FIRST_RESULT_GATHER_MS}:
   * a burst of subscribers (a dashboard loading, clients reconnecting) costs one statement per cohort,
   * not one per subscriber.
   */
  private firstTick(): LiveTick {
    if (this.immediate) return this.immediate;
    const tick = new LiveTick({ ...this.tickOptions(), gatherMs: FIRST_RESULT_GATHER_MS });
    this.immediate = tick;
    setTimeout(() => {
      if (this.immediate === tick) this.immediate = undefined;
    }, FIRST_RESULT_GATHER_MS);
    void tick.settled().then(() => (this.totals.statements += tick.stats.statements));
    return tick;
  }

  private beat(group: Group): void {
    // PERF: never two refreshes of one group at once; a slow database makes the beat skip.
    if (group.running || group.streams.size === 0) return;
    this.serial++;
    // Entries no refresh used lately belong to live queries that ended.
    for (const [key, entry] of this.cache) if (entry.usedAt < this.serial - 3) this.cache.delete(key);
    for (const [key, seen] of this.isolated) if (seen < this.serial - 3) this.isolated.delete(key);
    const tick = this.newTick();
    group.running = tick;
    const started = performance.now();
    const subscriptions = group.streams.size;
    fanOut(tick, group.streams);
    void tick.settled().then(() => {
      if (group.running === tick) group.running = undefined;
      this.totals.ticks++;
      this.totals.statements += tick.stats.statements;
      this.last = { ...tick.stats, subscriptions, durationMs: Math.round(performance.now() - started) };
      this.listeners.forEach((l) => l(this.last));
    });
  }

  /** Calls `listener` after each finished refresh, with what it cost; returns the unsubscribe. */
  onRefresh(listener: (stats: LiveStats['last']) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  stats(): LiveStats {
    return { open: this.open, ticks: this.totals.ticks, statements: this.totals.statements, last: this.last };
  }

  /** Stops every timer and listener; open live queries end. */
  close(): void {
    void this.options.notify?.close();
    for (const group of this.groups.values()) {
      clearInterval(group.timer);
      [...group.streams].forEach((s) => void s.return());
    }
    this.groups.clear();
  }
}
