import { afterAll, describe, expect, it } from 'vitest';
import type { Connection } from '../../src/connections/index.js';
import { GatewayError } from '../../src/errors/index.js';
import { EventBus, MigrationRunManager, type MigrationRun, type MigrationRunEvent } from '../../src/ops/index.js';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { appliedNames, connectionTo, publicTables, sqlMigration, writeMigrations } from './ops-helpers.js';

const GOOD = {
  '1700000000001_create_a.sql': sqlMigration('CREATE TABLE a (id int PRIMARY KEY);', 'DROP TABLE a;'),
  '1700000000002_create_b.sql': sqlMigration('CREATE TABLE b (id int PRIMARY KEY);', 'DROP TABLE b;'),
};

const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const fn of cleanup.reverse()) await fn();
});

async function database(name: string, files: Record<string, string>, entry: Record<string, unknown> = {}): Promise<{ db: TestDatabase; conn: Connection }> {
  const db = await createTestDatabase('ops_runs');
  const conn = connectionTo(db, { migrationsDir: await writeMigrations(files), ...entry }, name);
  cleanup.push(() => db.drop(), () => conn.close());
  return { db, conn };
}

async function collect(iterator: AsyncIterableIterator<MigrationRunEvent>): Promise<MigrationRunEvent[]> {
  const events: MigrationRunEvent[] = [];
  for await (const e of iterator) events.push(e);
  return events;
}

/** Run and migration events (statement events are covered by statement-progress.test.ts). */
const summary = (events: MigrationRunEvent[]) =>
  events.filter((e) => !e.type.startsWith('STATEMENT_')).map((e) => ('database' in e ? `${e.type} ${e.database} ${e.name}` : e.type));

describe('migration runs', () => {
  it('a two-database run: RUN_STARTED, then each database in order with STARTED/APPLIED per migration, then RUN_FINISHED', async () => {
    const one = await database('one', GOOD);
    const two = await database('two', GOOD);
    const finished: [MigrationRun, ReadonlySet<string>][] = [];
    const persisted: string[] = [];
    const manager = new MigrationRunManager(new EventBus(), {
      onFinished: (run, changed) => finished.push([run, changed]),
      persist: async (run) => void persisted.push(run.status),
    });
    const run = manager.start({ connections: [one.conn, two.conn], direction: 'up', startedBy: 'tester' });
    expect(run.status).toBe('RUNNING');
    expect(run.events).toEqual([]);
    expect(run.id).toMatch(/^[0-9a-f-]{36}$/);
    const events = await collect(manager.subscribe(run.id));

    expect(summary(events)).toEqual([
      'RUN_STARTED',
      'MIGRATION_STARTED one 1700000000001_create_a',
      'MIGRATION_APPLIED one 1700000000001_create_a',
      'MIGRATION_STARTED one 1700000000002_create_b',
      'MIGRATION_APPLIED one 1700000000002_create_b',
      'MIGRATION_STARTED two 1700000000001_create_a',
      'MIGRATION_APPLIED two 1700000000001_create_a',
      'MIGRATION_STARTED two 1700000000002_create_b',
      'MIGRATION_APPLIED two 1700000000002_create_b',
      'RUN_FINISHED',
    ]);
    expect(events[0]).toMatchObject({ type: 'RUN_STARTED', databases: ['one', 'two'], direction: 'up', dryRun: false, total: 4 });
    expect(events.at(-1)).toMatchObject({ type: 'RUN_FINISHED', status: 'SUCCEEDED', error: null, changedDatabases: ['one', 'two'] });
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    for (const e of events) {
      expect(e.runId).toBe(run.id);
      expect(new Date(e.at).toISOString()).toBe(e.at);
    }
    const done = await manager.wait(run.id);
    expect(done).toMatchObject({ status: 'SUCCEEDED', startedBy: 'tester', error: null });
    expect(done.finishedAt).toBeInstanceOf(Date);
    expect(done.events).toEqual(events);
    expect(finished).toHaveLength(1);
    expect([...finished[0][1]].sort()).toEqual(['one', 'two']);
    expect(persisted).toEqual(['RUNNING', 'SUCCEEDED']);
    expect(await publicTables(two.db)).toEqual(['a', 'b', 'pgmigrations']);
    expect(manager.list('two', 10).map((r) => r.id)).toEqual([run.id]);
    expect(manager.list('elsewhere', 10)).toEqual([]);
  });

  it('a failure in one database ends the run FAILED and the databases after it are not touched', async () => {
    const one = await database('one', GOOD);
    const two = await database('two', {
      ...GOOD,
      '1700000000003_broken.sql': sqlMigration('SELECT * FROM nowhere;', 'SELECT 1;'),
    });
    const three = await database('three', GOOD);
    const changedSets: ReadonlySet<string>[] = [];
    const manager = new MigrationRunManager(new EventBus(), { onFinished: (_, changed) => changedSets.push(changed) });
    const run = manager.start({ connections: [one.conn, two.conn, three.conn], direction: 'up' });
    const events = await collect(manager.subscribe(run.id));

    expect(events[0]).toMatchObject({ type: 'RUN_STARTED', total: 7 });
    expect(summary(events).slice(-3)).toEqual([
      'MIGRATION_STARTED two 1700000000003_broken',
      'MIGRATION_FAILED two 1700000000003_broken',
      'RUN_FINISHED',
    ]);
    expect(events.find((e) => e.type === 'MIGRATION_FAILED')).toMatchObject({ error: 'relation "nowhere" does not exist' });
    const last = events.at(-1)!;
    expect(last).toMatchObject({ type: 'RUN_FINISHED', status: 'FAILED', changedDatabases: ['one', 'two'] });
    expect(last.type === 'RUN_FINISHED' && last.error).toMatch(/^\[ops:two\] migration 1700000000003_broken \(up\) failed/);
    expect(manager.get(run.id)).toMatchObject({ status: 'FAILED' });
    expect(await appliedNames(two.db)).toEqual(['1700000000001_create_a', '1700000000002_create_b']);
    expect(await publicTables(three.db)).toEqual([]);
    expect([...changedSets[0]].sort()).toEqual(['one', 'two']);
  });

  it('a late subscriber first receives every event so far, in order, then the live ones, never one twice', async () => {
    const { conn } = await database('one', {
      ...GOOD,
      '1700000000003_slow.sql': sqlMigration('SELECT pg_sleep(0.4);', 'SELECT 1;'),
    });
    const manager = new MigrationRunManager(new EventBus());
    const run = manager.start({ connections: [conn], direction: 'up' });
    const early = manager.subscribe(run.id);
    // Join once the slow migration has started: RUN_STARTED, then STARTED, STATEMENT_STARTED/FINISHED, APPLIED twice, then STARTED.
    for (;;) {
      const { value } = await early.next();
      if (value.type === 'MIGRATION_STARTED' && value.name.endsWith('_slow')) break;
    }
    expect(run.events).toHaveLength(10);
    expect(run.status).toBe('RUNNING');
    const late = await collect(manager.subscribe(run.id));
    expect(late.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    expect(late).toEqual(run.events);
    expect(late.at(-1)?.type).toBe('RUN_FINISHED');
    await early.return?.();
  });

  it('subscribing to a finished run replays its events and completes', async () => {
    const { conn } = await database('one', GOOD);
    const manager = new MigrationRunManager(new EventBus());
    const run = manager.start({ connections: [conn], direction: 'up' });
    await manager.wait(run.id);
    const replayed = await collect(manager.subscribe(run.id));
    expect(summary(replayed)[0]).toBe('RUN_STARTED');
    expect(replayed).toEqual(run.events);
    expect(() => manager.subscribe('no-such-run')).toThrow(GatewayError);
  });

  it('a dry run plans migrations, applies nothing and reports no changed database', async () => {
    const { db, conn } = await database('one', GOOD);
    const changed: string[][] = [];
    const manager = new MigrationRunManager(new EventBus(), { onFinished: (_, c) => changed.push([...c]) });
    const run = manager.start({ connections: [conn], direction: 'up', dryRun: true });
    const events = await collect(manager.subscribe(run.id));
    expect(summary(events)).toEqual([
      'RUN_STARTED',
      'MIGRATION_PLANNED one 1700000000001_create_a',
      'MIGRATION_PLANNED one 1700000000002_create_b',
      'RUN_FINISHED',
    ]);
    expect(events.at(-1)).toMatchObject({ status: 'SUCCEEDED', changedDatabases: [] });
    expect(changed).toEqual([[]]);
    expect(await publicTables(db)).toEqual([]);
  });

  it('read-only databases and transaction-mode poolers are refused before the run starts', async () => {
    const ok = await database('one', GOOD);
    const ro = await database('ro', GOOD, { readOnly: true });
    const tx = await database('tx', GOOD, { mode: 'transaction' });
    const manager = new MigrationRunManager(new EventBus());
    expect(() => manager.start({ connections: [ok.conn, ro.conn], direction: 'up' })).toThrow(expect.objectContaining({ code: 'READ_ONLY' }));
    expect(() => manager.start({ connections: [tx.conn], direction: 'up' })).toThrow(expect.objectContaining({ code: 'TRANSACTION_POOLER' }));
    expect(() => manager.start({ connections: [], direction: 'up' })).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
    expect(() => manager.start({ connections: [ok.conn], direction: 'down', count: 0 })).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
    expect(manager.list()).toEqual([]);
    expect(await publicTables(ok.db)).toEqual([]);
  });

  it('a second run on a database that a running run is migrating gets MIGRATION_LOCKED', async () => {
    const { conn } = await database('one', { '1700000000001_slow.sql': sqlMigration('SELECT pg_sleep(0.3);', 'SELECT 1;') });
    const manager = new MigrationRunManager(new EventBus());
    const first = manager.start({ connections: [conn], direction: 'up' });
    expect(() => manager.start({ connections: [conn], direction: 'up' })).toThrow(expect.objectContaining({ code: 'MIGRATION_LOCKED' }));
    await manager.wait(first.id);
    const again = manager.start({ connections: [conn], direction: 'down' });
    expect((await manager.wait(again.id)).status).toBe('SUCCEEDED');
  });
});
