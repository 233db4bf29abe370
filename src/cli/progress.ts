import type { MigrationRunEvent } from '../ops/index.js';

/** Per-database progress of a run, derived from its events (the console does the same in the browser). */
export interface RunProgress {
  rows: { database: string; done: number; total: number | null; fraction: number; failed: boolean }[];
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  error: string | null;
}

/** Folds a run's events into progress: MIGRATION_APPLIED / _PLANNED count against each database's total. */
export function progressOf(events: readonly MigrationRunEvent[]): RunProgress {
  const dbs = new Map<string, { done: number; total: number | null; failed: boolean }>();
  const db = (name: string) => dbs.get(name) ?? dbs.set(name, { done: 0, total: null, failed: false }).get(name)!;
  let status: RunProgress['status'] = 'RUNNING';
  let error: string | null = null;
  for (const e of events) {
    if (e.type === 'RUN_STARTED') e.databases.forEach(db);
    else if (e.type === 'MIGRATION_STARTED') db(e.database).total = e.total;
    else if (e.type === 'MIGRATION_PLANNED') Object.assign(db(e.database), { total: e.total, done: e.index });
    else if (e.type === 'MIGRATION_APPLIED') db(e.database).done += 1;
    else if (e.type === 'MIGRATION_FAILED') db(e.database).failed = true;
    else if (e.type === 'RUN_FINISHED') ({ status, error } = e);
  }
  const rows = [...dbs].map(([database, d]) => ({
    database,
    ...d,
    fraction: status === 'SUCCEEDED' ? 1 : d.total ? d.done / d.total : 0,
  }));
  return { rows, status, error };
}

/** `name [#######.......]  3/7` lines, one per database. */
export function renderBars(progress: RunProgress, width = 30): string[] {
  const nameWidth = Math.max(8, ...progress.rows.map((r) => r.database.length));
  return progress.rows.map((r) => {
    const filled = Math.round(r.fraction * width);
    const count = r.total === null ? (progress.status === 'SUCCEEDED' ? 'up to date' : '') : `${r.done}/${r.total}`;
    const mark = r.failed ? ' FAILED' : '';
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
