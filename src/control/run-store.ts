import type { Connection } from '../connections/index.js';
import type { ControlBus } from './control-bus.js';
import { RUN_COLUMNS, runFromRow } from './control-records.js';

/** A stored event: the ops layer's event value, with the stamp every event carries. */
export interface StoredRunEvent {
  runId: string;
  seq: number;
  type: string;
}

/** A run as the ops layer hands it to the store (declared structurally: control cannot import ops). */
export interface StoredRun {
  id: string;
  databases: readonly string[];
  direction: 'up' | 'down';
  count: number | null;
  dryRun: boolean;
  parallel: number;
  onError: 'STOP' | 'CONTINUE';
  startedBy: string | null;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABANDONED';
  error: string | null;
  outcomes: readonly unknown[];
  startedAt: Date;
  finishedAt: Date | null;
}

/**
 * A lease that has run out. NOTE: runs stored before leases existed (no owner) were left RUNNING
 * forever by a killed gateway; a day after their start they count as expired too.
 */
const EXPIRED = `(lease_until < now() OR (owner IS NULL AND lease_until IS NULL AND started_at < now() - interval '1 day'))`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Migration runs as jobs in the control database (tables `migration_runs` and
 * `migration_run_events`): the executing instance owns a lease it renews, every event is one row,
 * stored and announced on the bus in the same statement, so any instance can replay and follow a
 * run. The ops layer's `RunJournal` is this class's shape.
 */
export class RunStore<Run extends StoredRun, Event extends StoredRunEvent> {
  constructor(
    private readonly connection: Connection,
    private readonly bus: ControlBus,
  ) {}

  get instanceId(): string {
    return this.bus.instanceId;
  }

  async create(run: Run, leaseMs: number): Promise<void> {
    await this.connection.query(
      `INSERT INTO switchyard.migration_runs
         (id, databases, direction, status, error, started_by, started_at, count, dry_run, parallel, on_error, owner, lease_until)
       VALUES ($1, $2, $3, 'RUNNING', NULL, $4, $5, $6, $7, $8, $9, $10, now() + $11 * interval '1 millisecond')`,
      [run.id, [...run.databases], run.direction, run.startedBy, run.startedAt, run.count, run.dryRun, run.parallel, run.onError, this.instanceId, leaseMs],
    );
  }

  async renew(runId: string, leaseMs: number): Promise<boolean> {
    const { rowCount } = await this.connection.query(
      `UPDATE switchyard.migration_runs SET lease_until = now() + $3 * interval '1 millisecond'
       WHERE id = $1 AND owner = $2 AND status = 'RUNNING'`,
      [runId, this.instanceId, leaseMs],
    );
    return (rowCount ?? 0) > 0;
  }

  async append(event: Event): Promise<void> {
    const payload = this.payload(event);
    // NOTE: stored and announced in one statement: the NOTIFY is sent at commit, after the row exists.
    // NOTE: once another instance has closed the run ABANDONED (this one lost its lease), nothing more is stored.
    await this.connection.query(
      `WITH stored AS (
         INSERT INTO switchyard.migration_run_events (run_id, seq, event)
         SELECT $1, $2, $3 WHERE EXISTS (SELECT 1 FROM switchyard.migration_runs WHERE id = $1 AND owner = $5 AND status <> 'ABANDONED')
         ON CONFLICT DO NOTHING RETURNING seq
       ) SELECT pg_notify('switchyard_changes', $4) FROM stored`,
      [event.runId, event.seq, JSON.stringify(event), payload, this.instanceId],
    );
  }

  async finish(run: Run): Promise<void> {
    await this.connection.query(
      `UPDATE switchyard.migration_runs SET status = $2, error = $3, outcomes = $4, finished_at = $5, lease_until = NULL
       WHERE id = $1 AND status = 'RUNNING'`,
      [run.id, run.status, run.error, JSON.stringify(run.outcomes), run.finishedAt],
    );
  }

  async load(runId: string): Promise<(Run & { events: Event[] }) | undefined> {
    if (!UUID.test(runId)) return undefined;
    const { rows } = await this.connection.query(
      `SELECT ${RUN_COLUMNS} FROM switchyard.migration_runs WHERE id = $1`,
      [runId],
    );
    if (!rows[0]) return undefined;
    return runFromRow(rows[0], await this.events(runId, 0)) as unknown as Run & { events: Event[] };
  }

  async events(runId: string, after: number): Promise<Event[]> {
    if (!UUID.test(runId)) return [];
    const { rows } = await this.connection.query<{ event: Event }>(
      'SELECT event FROM switchyard.migration_run_events WHERE run_id = $1 AND seq > $2 ORDER BY seq',
      [runId, after],
    );
    return rows.map((r) => r.event);
  }

  async busy(databases: readonly string[]): Promise<{ id: string; databases: string[] } | undefined> {
    const { rows } = await this.connection.query<{ id: string; databases: string[] }>(
      `SELECT id, databases FROM switchyard.migration_runs
       WHERE status = 'RUNNING' AND lease_until > now() AND databases && $1::text[] LIMIT 1`,
      [[...databases]],
    );
    return rows[0];
  }

  async abandonExpired(finish: (run: { id: string; owner: string; lastSeq: number; lastEvent: Event | null }) => Event): Promise<string[]> {
    const { rows } = await this.connection.query<{ id: string }>(
      `SELECT id FROM switchyard.migration_runs WHERE status = 'RUNNING' AND ${EXPIRED}`,
    );
    const abandoned: string[] = [];
    for (const { id } of rows) {
      const won = await this.connection.transaction(async (client) => {
        // NOTE: the row lock and the re-check make exactly one instance close each run.
        const claimed = await client.query(
          `UPDATE switchyard.migration_runs SET status = 'ABANDONED', finished_at = now(), lease_until = NULL
           WHERE id = $1 AND status = 'RUNNING' AND ${EXPIRED} RETURNING owner`,
          [id],
        );
        if (!claimed.rows[0]) return false;
        const last = await client.query<{ seq: number; event: Event }>(
          'SELECT seq, event FROM switchyard.migration_run_events WHERE run_id = $1 ORDER BY seq DESC LIMIT 1',
          [id],
        );
        const event = finish({ id, owner: claimed.rows[0].owner ?? 'unknown', lastSeq: last.rows[0]?.seq ?? 0, lastEvent: last.rows[0]?.event ?? null });
        await client.query('UPDATE switchyard.migration_runs SET error = $2 WHERE id = $1', [id, (event as unknown as { error?: string }).error ?? null]);
        await client.query('INSERT INTO switchyard.migration_run_events (run_id, seq, event) VALUES ($1, $2, $3)', [id, event.seq, JSON.stringify(event)]);
        await client.query(`SELECT pg_notify('switchyard_changes', $1)`, [this.payload(event)]);
        return true;
      });
      if (won) abandoned.push(id);
    }
    return abandoned;
  }

  private payload(event: Event): string {
    const full = JSON.stringify({ kind: 'run_event', runId: event.runId, seq: event.seq, event, origin: this.instanceId });
    return full.length <= 7500 ? full : JSON.stringify({ kind: 'run_event', runId: event.runId, seq: event.seq, origin: this.instanceId });
  }
}
