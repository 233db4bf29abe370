import pg from 'pg';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Connection } from '../../src/connections/index.js';
import { GatewayError } from '../../src/errors/index.js';
import { MIGRATION_LOCK_KEY, migrate, migrationStatus, type MigrationStepEvent } from '../../src/ops/index.js';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { appliedNames, connectionTo, publicTables, rejection, sqlMigration, writeMigrations } from './ops-helpers.js';

const GOOD = {
  '1700000000001_create_a.sql': sqlMigration('CREATE TABLE a (id int PRIMARY KEY);', 'DROP TABLE a;'),
  '1700000000002_create_b.sql': sqlMigration('CREATE TABLE b (id int PRIMARY KEY);', 'DROP TABLE b;'),
  '1700000000003_create_c.sql': sqlMigration('CREATE TABLE c (id int PRIMARY KEY);', 'DROP TABLE c;'),
};

const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const fn of cleanup.reverse()) await fn();
});

async function setup(files: Record<string, string>, entry: Record<string, unknown> = {}): Promise<{ db: TestDatabase; conn: Connection }> {
  const db = await createTestDatabase('ops_migrator');
  const conn = connectionTo(db, { migrationsDir: await writeMigrations(files), ...entry });
  cleanup.push(() => db.drop(), () => conn.close());
  return { db, conn };
}

describe('migration status', () => {
  it('a database without pgmigrations has nothing applied and every file pending, in file order', async () => {
    const { conn } = await setup({ ...GOOD, '.hidden.sql': 'nope' });
    expect(await migrationStatus(conn)).toEqual({
      applied: [],
      pending: [{ name: '1700000000001_create_a' }, { name: '1700000000002_create_b' }, { name: '1700000000003_create_c' }],
    });
  });

  it('lists applied migrations with their time, oldest first, and the pending ones', async () => {
    const { conn } = await setup(GOOD);
    const before = Date.now();
    await migrate(conn, { direction: 'up', count: 2 });
    const status = await migrationStatus(conn);
    expect(status.applied.map((m) => m.name)).toEqual(['1700000000001_create_a', '1700000000002_create_b']);
    for (const m of status.applied) {
      expect(m.runOn).toBeInstanceOf(Date);
      expect(Math.abs(m.runOn.getTime() - before)).toBeLessThan(60_000);
    }
    expect(status.pending).toEqual([{ name: '1700000000003_create_c' }]);
  });
});

describe('migrate', () => {
  beforeEach(() => {
    vi.restoreAllMocks();
  });

  it('going up applies every pending migration and reports STARTED then APPLIED for each', async () => {
    const { db, conn } = await setup(GOOD);
    const events: MigrationStepEvent[] = [];
    // Migration-level events only; statement events are covered by statement-progress.test.ts.
    const result = await migrate(conn, { direction: 'up', onEvent: (e) => e.type.startsWith('MIGRATION_') && events.push(e) });
    expect(result.migrations).toEqual(['1700000000001_create_a', '1700000000002_create_b', '1700000000003_create_c']);
    expect(await publicTables(db)).toEqual(['a', 'b', 'c', 'pgmigrations']);
    expect(events.map((e) => `${e.type} ${e.name}`)).toEqual([
      'MIGRATION_STARTED 1700000000001_create_a',
      'MIGRATION_APPLIED 1700000000001_create_a',
      'MIGRATION_STARTED 1700000000002_create_b',
      'MIGRATION_APPLIED 1700000000002_create_b',
      'MIGRATION_STARTED 1700000000003_create_c',
      'MIGRATION_APPLIED 1700000000003_create_c',
    ]);
    expect(events[2]).toEqual({ type: 'MIGRATION_STARTED', database: 'x', name: '1700000000002_create_b', index: 2, total: 3 });
    expect((await migrate(conn, { direction: 'up' })).migrations).toEqual([]);
  });

  it('a failed migration leaves the database at its last good migration', async () => {
    const { db, conn } = await setup({
      '1700000000001_create_a.sql': GOOD['1700000000001_create_a.sql'],
      '1700000000002_broken.sql': sqlMigration('CREATE TABLE b (id int);\nINSERT INTO missing_table VALUES (1);', 'DROP TABLE b;'),
      '1700000000003_create_c.sql': GOOD['1700000000003_create_c.sql'],
    });
    const events: MigrationStepEvent[] = [];
    const silenced = (['log', 'info', 'warn', 'error'] as const).map((m) => vi.spyOn(console, m));
    const error = await rejection(migrate(conn, { direction: 'up', onEvent: (e) => e.type.startsWith('MIGRATION_') && events.push(e) }));

    expect(error.code).toBe('MIGRATION_FAILED');
    expect(error.message).toMatch(/1700000000002_broken .*line 3, column 13: relation "missing_table" does not exist/);
    expect(error.extensions).toMatchObject({ migration: '1700000000002_broken', sqlState: '42P01', line: 3, column: 13 });
    expect(await appliedNames(db)).toEqual(['1700000000001_create_a']);
    expect(await publicTables(db)).toEqual(['a', 'pgmigrations']);
    expect(events.map((e) => e.type)).toEqual(['MIGRATION_STARTED', 'MIGRATION_APPLIED', 'MIGRATION_STARTED', 'MIGRATION_FAILED']);
    // node-pg-migrate must not print: its logger is silenced.
    for (const spy of silenced) expect(spy).not.toHaveBeenCalled();
  });

  it('going down reverts the last applied migration unless count says more', async () => {
    const { db, conn } = await setup(GOOD);
    await migrate(conn, { direction: 'up' });
    expect((await migrate(conn, { direction: 'down' })).migrations).toEqual(['1700000000003_create_c']);
    expect(await publicTables(db)).toEqual(['a', 'b', 'pgmigrations']);
    expect((await migrate(conn, { direction: 'down', count: 2 })).migrations).toEqual(['1700000000002_create_b', '1700000000001_create_a']);
    expect(await publicTables(db)).toEqual(['pgmigrations']);
    expect(await appliedNames(db)).toEqual([]);
  });

  it('going up applies fewer migrations when count says so', async () => {
    const { db, conn } = await setup(GOOD);
    expect((await migrate(conn, { direction: 'up', count: 1 })).migrations).toEqual(['1700000000001_create_a']);
    expect(await appliedNames(db)).toEqual(['1700000000001_create_a']);
  });

  it('only one migration may run on a database at a time: the second gets MIGRATION_LOCKED and touches nothing', async () => {
    const { db, conn } = await setup(GOOD);
    const holder = new pg.Client({ connectionString: db.url });
    await holder.connect();
    try {
      await holder.query('SELECT pg_advisory_lock($1, hashtext(current_database()))', [MIGRATION_LOCK_KEY]);
      const error = await rejection(migrate(conn, { direction: 'up' }));
      expect(error.code).toBe('MIGRATION_LOCKED');
      expect(error.message).toContain('[ops:x] another migration is already running');
      expect(error.extensions.hint).toMatch(/wait/);
      expect(await publicTables(db)).toEqual([]);
    } finally {
      await holder.end();
    }
  });

  it('of two concurrent migrations on one database, one runs and the other gets MIGRATION_LOCKED', async () => {
    const { db, conn } = await setup({
      '1700000000001_slow.sql': sqlMigration('SELECT pg_sleep(0.5);\nCREATE TABLE slow (id int);', 'DROP TABLE slow;'),
    });
    const results = await Promise.allSettled([migrate(conn, { direction: 'up' }), migrate(conn, { direction: 'up' })]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(rejected.map((r) => (r.reason as GatewayError).code)).toEqual(['MIGRATION_LOCKED']);
    expect(await appliedNames(db)).toEqual(['1700000000001_slow']);
  });

  it('a dry run reports what would run and changes nothing, not even by creating pgmigrations', async () => {
    const { db, conn } = await setup(GOOD);
    const events: MigrationStepEvent[] = [];
    const result = await migrate(conn, { direction: 'up', count: 2, dryRun: true, onEvent: (e) => events.push(e) });
    expect(result).toEqual({ database: 'x', direction: 'up', dryRun: true, migrations: ['1700000000001_create_a', '1700000000002_create_b'] });
    expect(events.map((e) => `${e.type} ${e.name}`)).toEqual(['MIGRATION_PLANNED 1700000000001_create_a', 'MIGRATION_PLANNED 1700000000002_create_b']);
    expect(await publicTables(db)).toEqual([]);
  });

  it('read-only databases are refused with READ_ONLY', async () => {
    const { db, conn } = await setup(GOOD, { readOnly: true });
    const error = await rejection(migrate(conn, { direction: 'up' }));
    expect(error.code).toBe('READ_ONLY');
    expect(await publicTables(db)).toEqual([]);
  });

  it('transaction-mode pooler connections are refused with TRANSACTION_POOLER and a hint to use port 5432', async () => {
    const { conn } = await setup(GOOD, { mode: 'transaction' });
    const error = await rejection(migrate(conn, { direction: 'up' }));
    expect(error.code).toBe('TRANSACTION_POOLER');
    expect(error.extensions.hint).toContain('5432');
  });

  it('a pending migration that sorts before an applied one fails before anything runs', async () => {
    const { db, conn } = await setup(GOOD);
    await migrate(conn, { direction: 'up', count: 1 });
    await db.sql("UPDATE pgmigrations SET name = '1700000000002_create_b'");
    const error = await rejection(migrate(conn, { direction: 'up' }));
    expect(error.code).toBe('MIGRATION_FAILED');
    expect(error.message).toContain('1700000000001_create_a is not applied but sorts before applied migration 1700000000002_create_b');
    expect(await publicTables(db)).toEqual(['a', 'pgmigrations']);
  });
});
