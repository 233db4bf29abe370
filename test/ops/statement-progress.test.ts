import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { Connection } from '../../src/connections/index.js';
import { EventBus, migrate, MigrationRunManager, type MigrationRunEvent, type MigrationStepEvent } from '../../src/ops/index.js';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { appliedNames, connectionTo, rejection, sqlMigration, writeMigrations } from './ops-helpers.js';

const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const fn of cleanup.reverse()) await fn().catch(() => {});
});

async function database(files: Record<string, string>, name = 'x'): Promise<{ db: TestDatabase; conn: Connection }> {
  const db = await createTestDatabase('ops_progress');
  const conn = connectionTo(db, { migrationsDir: await writeMigrations(files) }, name);
  cleanup.push(() => db.drop(), () => conn.close());
  return { db, conn };
}

const of = <T extends MigrationStepEvent['type']>(events: MigrationStepEvent[], type: T) =>
  events.filter((e): e is Extract<MigrationStepEvent, { type: T }> => e.type === type);

describe('statement-level progress of SQL migrations', () => {
  it('each statement of a SQL migration emits STATEMENT_STARTED and STATEMENT_FINISHED with its number of the total and its first line', async () => {
    const { conn } = await database({
      '1700000000001_two.sql': sqlMigration('CREATE TABLE a (id int);\n\nINSERT INTO a\n  SELECT 1;', 'DROP TABLE a;'),
    });
    const events: MigrationStepEvent[] = [];
    await migrate(conn, { direction: 'up', onEvent: (e) => events.push(e) });
    expect(events.map((e) => e.type)).toEqual([
      'MIGRATION_STARTED',
      'STATEMENT_STARTED',
      'STATEMENT_FINISHED',
      'STATEMENT_STARTED',
      'STATEMENT_FINISHED',
      'MIGRATION_APPLIED',
    ]);
    expect(events[1]).toEqual({ type: 'STATEMENT_STARTED', database: 'x', name: '1700000000001_two', statement: 1, statements: 2, firstLine: 'CREATE TABLE a (id int)' });
    expect(events[4]).toMatchObject({ type: 'STATEMENT_FINISHED', statement: 2, statements: 2, firstLine: 'INSERT INTO a' });
    expect((events[4] as { durationMs: number }).durationMs).toBeGreaterThanOrEqual(0);
  });

  it('a SQL migration run statement by statement is recorded in pgmigrations and reverts through its Down section', async () => {
    const { db, conn } = await database({ '1700000000001_t.sql': sqlMigration('CREATE TABLE t (id int);', 'DROP TABLE t;') });
    await migrate(conn, { direction: 'up' });
    expect(await appliedNames(db)).toEqual(['1700000000001_t']);
    await migrate(conn, { direction: 'down' });
    expect(await appliedNames(db)).toEqual([]);
    expect(await db.sql("SELECT to_regclass('public.t') AS t")).toEqual([{ t: null }]);
  });

  it('a statement waiting for a lock streams LOCK_WAIT with the blocking pid and its query, then fails at the lock timeout', async () => {
    const { db, conn } = await database({ '1700000000001_alter.sql': sqlMigration('ALTER TABLE held ADD COLUMN x int;', 'SELECT 1;') });
    await db.sql('CREATE TABLE held (id int)');
    const holder = new pg.Client({ connectionString: db.url });
    await holder.connect();
    cleanup.push(() => holder.end());
    const { rows } = await holder.query('SELECT pg_backend_pid() AS pid');
    await holder.query('BEGIN');
    await holder.query('LOCK TABLE held IN ACCESS EXCLUSIVE MODE');
    const events: MigrationStepEvent[] = [];
    const error = await rejection(migrate(conn, { direction: 'up', lockTimeoutMs: 1200, monitor: { sampleMs: 100 }, onEvent: (e) => events.push(e) }));
    await holder.query('ROLLBACK');

    expect(error.code).toBe('MIGRATION_FAILED');
    expect(error.extensions).toMatchObject({ sqlState: '55P03' });
    const waits = of(events, 'LOCK_WAIT');
    expect(waits.length).toBeGreaterThanOrEqual(2);
    expect(waits[0]).toMatchObject({ database: 'x', statement: 1, statements: 1, firstLine: 'ALTER TABLE held ADD COLUMN x int', blockingPid: rows[0].pid });
    expect(waits[0].blockingQuery).toMatch(/^LOCK TABLE held/);
    expect(waits.at(-1)!.waitedMs).toBeGreaterThan(waits[0].waitedMs);
    expect(events.at(-1)).toMatchObject({ type: 'MIGRATION_FAILED' });
  });

  it('an index build over a million rows streams INDEX_PROGRESS whose counts grow within a phase', async () => {
    const { db, conn } = await database({
      '1700000000001_index.sql': sqlMigration(
        "SET LOCAL maintenance_work_mem = '1MB';\nSET LOCAL max_parallel_maintenance_workers = 0;\nCREATE INDEX big_n ON big (n);",
        'DROP INDEX big_n;',
      ),
    });
    await db.sql('CREATE TABLE big (n int); INSERT INTO big SELECT (random() * 1e9)::int FROM generate_series(1, 1000000); ANALYZE big');
    const events: MigrationStepEvent[] = [];
    await migrate(conn, { direction: 'up', monitor: { sampleMs: 50 }, onEvent: (e) => events.push(e) });

    const progress = of(events, 'INDEX_PROGRESS');
    if (process.env.SWITCHYARD_MEASURE) console.info(progress.map((p) => `${p.phase} blocks ${p.blocksDone}/${p.blocksTotal} tuples ${p.tuplesDone}/${p.tuplesTotal}`).join('\n'));
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress[0]).toMatchObject({ statement: 3, statements: 3, firstLine: 'CREATE INDEX big_n ON big (n)' });
    let grew = false;
    for (let i = 1; i < progress.length; i++) {
      const [a, b] = [progress[i - 1], progress[i]];
      if (a.phase !== b.phase) continue;
      expect(b.blocksDone + b.tuplesDone).toBeGreaterThanOrEqual(a.blocksDone + a.tuplesDone);
      if (b.blocksDone + b.tuplesDone > a.blocksDone + a.tuplesDone) grew = true;
    }
    expect(grew).toBe(true);
    expect(progress.some((p) => p.blocksTotal > 0 || p.tuplesTotal > 0)).toBe(true);
  });

  it('a long statement emits a HEARTBEAT every heartbeatMs with the time it has run', async () => {
    const { conn } = await database({ '1700000000001_slow.sql': sqlMigration('SELECT pg_sleep(0.8);', 'SELECT 1;') });
    const events: MigrationStepEvent[] = [];
    await migrate(conn, { direction: 'up', monitor: { sampleMs: 50, heartbeatMs: 250 }, onEvent: (e) => events.push(e) });
    const beats = of(events, 'HEARTBEAT');
    expect(beats.length).toBeGreaterThanOrEqual(2);
    expect(beats[1].elapsedMs).toBeGreaterThan(beats[0].elapsedMs);
    expect(beats[0]).toMatchObject({ statement: 1, firstLine: 'SELECT pg_sleep(0.8)' });
  });
});

describe('fan-out to many databases', () => {
  const GOOD = { '1700000000001_a.sql': sqlMigration('CREATE TABLE a (id int);', 'DROP TABLE a;') };
  const BROKEN = { ...GOOD, '1700000000002_bad.sql': sqlMigration('SELECT * FROM nowhere;', 'SELECT 1;') };

  async function run(manager: MigrationRunManager, connections: Connection[], options: { parallel?: number; onError?: 'STOP' | 'CONTINUE' }) {
    const started = manager.start({ connections, direction: 'up', ...options });
    const events: MigrationRunEvent[] = [];
    for await (const e of manager.subscribe(started.id)) events.push(e);
    return events;
  }

  it('with onError CONTINUE a failing database does not stop the others, and RUN_FINISHED carries each outcome', async () => {
    const one = await database(GOOD, 'one');
    const two = await database(BROKEN, 'two');
    const three = await database(GOOD, 'three');
    const events = await run(new MigrationRunManager(new EventBus()), [one.conn, two.conn, three.conn], { parallel: 2, onError: 'CONTINUE' });
    expect(events[0]).toMatchObject({ type: 'RUN_STARTED', parallel: 2, onError: 'CONTINUE' });
    expect(events.at(-1)).toMatchObject({
      type: 'RUN_FINISHED',
      status: 'FAILED',
      outcomes: [
        { database: 'one', status: 'SUCCEEDED', error: null, applied: 1 },
        { database: 'two', status: 'FAILED', applied: 1, error: expect.stringMatching(/^\[ops:two\] migration 1700000000002_bad/) },
        { database: 'three', status: 'SUCCEEDED', error: null, applied: 1 },
      ],
    });
    expect(await appliedNames(three.db)).toEqual(['1700000000001_a']);
  });

  it('parallel N migrates up to N databases at a time: the second starts before the first has finished', async () => {
    const slow = { '1700000000001_slow.sql': sqlMigration('SELECT pg_sleep(0.3);', 'SELECT 1;') };
    const one = await database(slow, 'one');
    const two = await database(slow, 'two');
    const events = await run(new MigrationRunManager(new EventBus()), [one.conn, two.conn], { parallel: 2 });
    const order = events.filter((e) => e.type === 'MIGRATION_STARTED' || e.type === 'MIGRATION_APPLIED').map((e) => `${e.type} ${'database' in e ? e.database : ''}`);
    expect(order.slice(0, 2).sort()).toEqual(['MIGRATION_STARTED one', 'MIGRATION_STARTED two']);
  });

  it('by default databases run one at a time and the first failure skips the rest (STOP)', async () => {
    const one = await database(BROKEN, 'one');
    const two = await database(GOOD, 'two');
    const events = await run(new MigrationRunManager(new EventBus()), [one.conn, two.conn], {});
    expect(events[0]).toMatchObject({ parallel: 1, onError: 'STOP' });
    expect(events.at(-1)).toMatchObject({
      outcomes: [
        { database: 'one', status: 'FAILED' },
        { database: 'two', status: 'SKIPPED', applied: 0 },
      ],
    });
    expect(await appliedNames(two.db)).toEqual([]);
  });
});
