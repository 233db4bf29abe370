import type { MigrationRunEvent } from '../ops/index.js';

/** Per-database progress of a run, derived from its events (the console does the same in the browser). */
export interface RunProgress {
  rows: { database: string; done: number; total: number | null; fraction: number; failed: boolean; note: string }[];
  status: string;
  error: string | null;
}

/** Fields statement-level events carry (statement progress, lock waits, index builds); read by presence. */
interface StatementFields {
  database?: string;
  statement?: number;
  statements?: number;
  waitedMs?: number;
  blockingPid?: number;
  phase?: string;
  blocksDone?: number;
  blocksTotal?: number;
}

function statementNote(type: string, e: StatementFields): string {
  if (type === 'LOCK_WAIT') return `waiting for a lock ${e.waitedMs ?? '?'} ms${e.blockingPid ? ` (pid ${e.blockingPid})` : ''}`;
  if (type === 'INDEX_PROGRESS') return `index ${(e.phase ?? '').toLowerCase()} ${e.blocksDone ?? 0}/${e.blocksTotal ?? '?'} blocks`;
  return `statement ${e.statement}/${e.statements}`;
}

/** Folds a run's events into progress: MIGRATION_APPLIED / _PLANNED count against each database's total. */
export function progressOf(events: readonly MigrationRunEvent[]): RunProgress {
  type Row = { done: number; total: number | null; failed: boolean; partial: number; note: string };
  const dbs = new Map<string, Row>();
  const db = (name: string) => dbs.get(name) ?? dbs.set(name, { done: 0, total: null, failed: false, partial: 0, note: '' }).get(name)!;
  let status = 'RUNNING';
  let error: string | null = null;
  for (const e of events) {
    if (e.type === 'RUN_STARTED') e.databases.forEach(db);
    else if (e.type === 'MIGRATION_STARTED') Object.assign(db(e.database), { total: e.total, partial: 0, note: '' });
    else if (e.type === 'MIGRATION_PLANNED') Object.assign(db(e.database), { total: e.total, done: e.index });
    else if (e.type === 'MIGRATION_APPLIED') Object.assign(db(e.database), { done: db(e.database).done + 1, partial: 0, note: '' });
    else if (e.type === 'MIGRATION_FAILED') Object.assign(db(e.database), { failed: true, note: '' });
    else if (e.type === 'RUN_FINISHED') ({ status, error } = e);
    else {
      // NOTE: statement-level events (docs/PROTOCOL.md) are recognised by their fields, not by a list of types.
      const s = e as StatementFields & { type: string };
      if (s.database && typeof s.statement === 'number' && s.statements) {
        const d = db(s.database);
        d.partial = (s.type === 'STATEMENT_FINISHED' ? s.statement : s.statement - 1) / s.statements;
        d.note = statementNote(s.type, s);
      }
    }
  }
  const rows = [...dbs].map(([database, d]) => ({
    database,
    done: d.done,
    total: d.total,
    failed: d.failed,
    note: status === 'RUNNING' ? d.note : '',
    fraction: status === 'SUCCEEDED' ? 1 : d.total ? Math.min(1, (d.done + d.partial) / d.total) : 0,
  }));
  return { rows, status, error };
}

/** `name [#######.......]  3/7` lines, one per database. */
export function renderBars(progress: RunProgress, width = 30): string[] {
  const nameWidth = Math.max(8, ...progress.rows.map((r) => r.database.length));
  return progress.rows.map((r) => {
    const filled = Math.round(r.fraction * width);
    const count = r.total === null ? (progress.status === 'SUCCEEDED' ? 'up to date' : '') : `${r.done}/${r.total}`;
    const mark = r.failed ? ' FAILED' : r.note ? `  ${r.note}` : '';
    return `${r.database.padEnd(nameWidth)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.round(r.fraction * 100)).padStart(3)}% ${count}${mark}`;
  });
}

/** One event as a log line: seq, type, database and migration, then its other fields. */
export function eventLine(e: MigrationRunEvent): string {
  const shown = new Set(['type', 'runId', 'seq', 'at', 'database', 'name']);
  const extra = Object.entries(e)
    .filter(([k, v]) => !shown.has(k) && v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0))
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : String(v)}`);
  const where = [(e as { database?: string }).database, (e as { name?: string }).name].filter(Boolean).join(' ');
  return `#${e.seq} ${e.type}${where ? ` ${where}` : ''}${extra.length ? `  ${extra.join(' ')}` : ''}`;
}
