import { describe, expect, it } from 'vitest';
import { eventLine, progressOf, renderBars } from '../../src/cli/progress.js';
import type { MigrationRunEvent } from '../../src/ops/index.js';

// The terminal's progress bars come from the run's events alone (docs/PROTOCOL.md), statement-level
// events included: they are recognised by their fields (statement, statements), whatever their type.

let seq = 0;
const ev = (e: Record<string, unknown>) => ({ runId: 'r1', at: '2026-01-01T00:00:00.000Z', seq: ++seq, ...e }) as unknown as MigrationRunEvent;
const started = ev({ type: 'RUN_STARTED', databases: ['a', 'b'], direction: 'up', dryRun: false, total: 3 });

describe('migration progress in the terminal', () => {
  it('each database’s bar counts its applied migrations against its own total', () => {
    const events = [started, ev({ type: 'MIGRATION_STARTED', database: 'a', name: 'm1', index: 1, total: 2 }), ev({ type: 'MIGRATION_APPLIED', database: 'a', name: 'm1', durationMs: 3 })];
    const progress = progressOf(events);
    expect(progress.rows.map((r) => [r.database, r.fraction])).toEqual([['a', 0.5], ['b', 0]]);
    expect(renderBars(progress, 10)).toEqual(['a        [#####.....]  50% 1/2', 'b        [..........]   0% ']);
  });

  it('statement events move the bar within a migration, and a lock wait or an index build is named on its row', () => {
    const base = [started, ev({ type: 'MIGRATION_STARTED', database: 'a', name: 'm1', index: 1, total: 1 })];
    const statement = progressOf([...base, ev({ type: 'STATEMENT_FINISHED', database: 'a', name: 'm1', statement: 1, statements: 4, durationMs: 1 })]);
    expect(statement.rows[0]).toMatchObject({ fraction: 0.25, note: 'statement 1/4' });
    const lock = progressOf([...base, ev({ type: 'LOCK_WAIT', database: 'a', name: 'm1', statement: 2, statements: 4, waitedMs: 1500, blockingPid: 42 })]);
    expect(lock.rows[0]).toMatchObject({ fraction: 0.25, note: 'waiting for a lock 1500 ms (pid 42)' });
    const index = progressOf([...base, ev({ type: 'INDEX_PROGRESS', database: 'a', name: 'm1', statement: 3, statements: 4, phase: 'BUILDING', blocksDone: 5, blocksTotal: 9 })]);
    expect(renderBars(index, 8)[0]).toBe('a        [####....]  50% 0/1  index building 5/9 blocks');
  });

  it('a succeeded run shows every bar full; a failed migration marks its database FAILED', () => {
    expect(progressOf([started, ev({ type: 'RUN_FINISHED', status: 'SUCCEEDED', error: null, changedDatabases: [] })]).rows.map((r) => r.fraction)).toEqual([1, 1]);
    const failed = progressOf([started, ev({ type: 'MIGRATION_STARTED', database: 'a', name: 'm1', index: 1, total: 1 }), ev({ type: 'MIGRATION_FAILED', database: 'a', name: 'm1', error: 'boom' }), ev({ type: 'RUN_FINISHED', status: 'FAILED', error: 'boom', changedDatabases: [] })]);
    expect(renderBars(failed, 4)[0]).toBe('a        [....]   0% 0/1 FAILED');
    expect(failed.error).toBe('boom');
  });

  it('an event line shows seq, type, database and migration, then every other field', () => {
    expect(eventLine(ev({ type: 'LOCK_WAIT', database: 'a', name: 'm1', statement: 2, statements: 4, waitedMs: 1500, blockingPid: 42, blockingQuery: null }))).toMatch(
      /^#\d+ LOCK_WAIT a m1 {2}statement=2 statements=4 waitedMs=1500 blockingPid=42$/,
    );
  });
});

describe('the console’s bars', () => {
  it('show the same fractions as the terminal’s for the same events, statement events included', async () => {
    // @ts-expect-error: a browser ES module without types, importable in Node (no DOM at import)
    const consoleProgress = (await import('../../src/console/assets/page-migrations.js')).progressOf as (events: unknown[]) => { rows: { name: string; fraction: number }[] };
    const events = [
      started,
      ev({ type: 'MIGRATION_STARTED', database: 'a', name: 'm1', index: 1, total: 2 }),
      ev({ type: 'MIGRATION_APPLIED', database: 'a', name: 'm1', durationMs: 3 }),
      ev({ type: 'MIGRATION_STARTED', database: 'a', name: 'm2', index: 2, total: 2 }),
      ev({ type: 'STATEMENT_FINISHED', database: 'a', name: 'm2', statement: 1, statements: 2, durationMs: 1 }),
    ];
    const terminal = progressOf(events).rows.map((r) => [r.database, r.fraction]);
    expect(terminal).toEqual([['a', 0.75], ['b', 0]]);
    expect(consoleProgress(events).rows.map((r) => [r.name, r.fraction])).toEqual(terminal);
  });
});
