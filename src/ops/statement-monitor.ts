import type pg from 'pg';
import type { Connection } from '../connections/index.js';
import { openDedicatedClient } from './dedicated-client.js';
import type { MigrationStepEvent, StatementRef } from './migration-events.js';

/** How a {@link StatementMonitor} samples. */
export interface MonitorOptions {
  /** Sampling interval of pg_stat_activity, pg_locks and pg_stat_progress_create_index (default 500 ms); one LOCK_WAIT per sample while waiting. */
  sampleMs?: number;
  /** A HEARTBEAT is emitted every this many ms while one statement runs (default 5000). */
  heartbeatMs?: number;
}

/** Longest `blockingQuery` reported: the first line of another session's statement, cut. */
const BLOCKING_QUERY_MAX = 120;

// NOTE: one round trip per sample; waitstart (PG 14+) is when the lock wait began, query_start a fallback.
const SAMPLE_SQL = `
SELECT a.wait_event_type = 'Lock' AS waiting,
       (extract(epoch FROM now() - coalesce((SELECT min(l.waitstart) FROM pg_locks l WHERE l.pid = a.pid AND NOT l.granted), a.query_start)) * 1000)::float8 AS waited_ms,
       b.pid AS blocking_pid, b.query AS blocking_query,
       p.phase, p.blocks_done::float8, p.blocks_total::float8, p.tuples_done::float8, p.tuples_total::float8
FROM pg_stat_activity a
LEFT JOIN pg_stat_activity b ON b.pid = (pg_blocking_pids(a.pid))[1]
LEFT JOIN pg_stat_progress_create_index p ON p.pid = a.pid
WHERE a.pid = $1`;

/**
 * Watches the statements of one migration client from a side connection to the same database:
 * while a statement runs it reports LOCK_WAIT (waiting for a lock: how long, who blocks),
 * INDEX_PROGRESS (CREATE INDEX phases and counts, when they change) and a HEARTBEAT every
 * `heartbeatMs`. The side connection is opened on the first watched statement and closed by `close()`;
 * the caller owns the monitor. A failing sample is skipped, never fails the migration.
 */
export class StatementMonitor {
  private side?: Promise<pg.Client | undefined>;
  private timer?: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly connection: Connection,
    private readonly pid: number,
    private readonly onEvent: (event: MigrationStepEvent) => void,
    private readonly options: MonitorOptions = {},
  ) {}

  /** Samples until the returned function is called (when the statement has ended). */
  watch(ref: StatementRef): () => void {
    const sampleMs = this.options.sampleMs ?? 500;
    const heartbeatMs = this.options.heartbeatMs ?? 5000;
    const started = Date.now();
    let nextHeartbeat = started + heartbeatMs;
    let lastProgress = '';
    let stopped = false;
    let busy = false;
    const sample = async () => {
      if (stopped || busy) return;
      busy = true;
      try {
        const client = await (this.side ??= this.openSide());
        const row = client && (await client.query(SAMPLE_SQL, [this.pid])).rows[0];
        if (stopped || !row) return;
        if (row.waiting) {
          this.onEvent({
            type: 'LOCK_WAIT',
            ...ref,
            waitedMs: Math.round(row.waited_ms),
            blockingPid: row.blocking_pid ?? 0,
            blockingQuery: row.blocking_query === null ? null : this.firstLine(row.blocking_query),
          });
        }
        if (row.phase) {
          const progress = `${row.phase}/${row.blocks_done}/${row.tuples_done}`;
          if (progress !== lastProgress) {
            lastProgress = progress;
            this.onEvent({
              type: 'INDEX_PROGRESS',
              ...ref,
              phase: row.phase,
              blocksDone: row.blocks_done ?? 0,
              blocksTotal: row.blocks_total ?? 0,
              tuplesDone: row.tuples_done ?? 0,
              tuplesTotal: row.tuples_total ?? 0,
            });
          }
        }
        if (Date.now() >= nextHeartbeat) {
          nextHeartbeat += heartbeatMs;
          this.onEvent({ type: 'HEARTBEAT', ...ref, elapsedMs: Date.now() - started });
        }
      } catch {
        // NOTE: monitoring is best effort; the statement's own outcome is what counts.
      } finally {
        busy = false;
      }
    };
    const timer = setInterval(() => void sample(), sampleMs);
    this.timer = timer;
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    const client = await this.side?.catch(() => undefined);
    await client?.end().catch(() => {});
  }

  private async openSide(): Promise<pg.Client | undefined> {
    const client = await openDedicatedClient(this.connection, 'switchyard-migrate-monitor', 10_000).catch(() => undefined);
    if (this.closed) await client?.end().catch(() => {});
    return this.closed ? undefined : client;
  }

  /** SECURITY: another session's statement may quote secrets: first line only, known passwords redacted, cut short. */
  private firstLine(query: string): string {
    const line = this.connection.redact(query.trim().split('\n')[0] ?? '');
    return line.length > BLOCKING_QUERY_MAX ? `${line.slice(0, BLOCKING_QUERY_MAX - 1)}…` : line;
  }
}
