import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { Connection } from '../../src/connections/index.js';
import { ControlBus, RunStore, type StoredRun, type StoredRunEvent } from '../../src/control/index.js';
import { migrateDatabase } from '../../src/demo.js';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.js';

type Event = StoredRunEvent & { type: string; error?: string };
let db: TestDatabase;
let connection: Connection;
const buses: ControlBus[] = [];

beforeAll(async () => {
  db = await createTestDatabase('runstore');
  const config = parseConfig({ databases: [{ name: 'control', url: db.url, migrationsDir: 'migrations/control' }] }, {}).databases[0];
  await migrateDatabase(config);
  connection = new Connection(config);
});
afterAll(async () => {
  await Promise.all(buses.map((b) => b.close()));
  await connection?.close();
  await db?.drop();
});

/** A store as one instance sees it (the bus only names the instance here; it is not started). */
function instance(id: string): RunStore<StoredRun, Event> {
  const bus = new ControlBus(connection, id);
  buses.push(bus);
  return new RunStore<StoredRun, Event>(connection, bus);
}

const run = (): StoredRun => ({
  id: randomUUID(),
  databases: ['app'],
  direction: 'up',
  count: null,
  dryRun: false,
  parallel: 1,
  onError: 'STOP',
  startedBy: 'tester',
  status: 'RUNNING',
  error: null,
  outcomes: [],
  startedAt: new Date(),
  finishedAt: null,
});

const finisher = (expired: { id: string; owner: string; lastSeq: number }): Event => ({ runId: expired.id, seq: expired.lastSeq + 1, type: 'RUN_FINISHED', error: `${expired.owner} went silent` });

describe('migration runs as jobs', () => {
  it('of two instances closing the same expired run, exactly one does, appending one RUN_FINISHED after the last stored event', async () => {
    const [owner, one, two] = [instance('owner'), instance('one'), instance('two')];
    const r = run();
    await owner.create(r, 300);
    await owner.append({ runId: r.id, seq: 1, type: 'RUN_STARTED' });
    await new Promise((resolve) => setTimeout(resolve, 350));
    const [a, b] = await Promise.all([one.abandonExpired(finisher), two.abandonExpired(finisher)]);
    expect([...a, ...b].filter((id) => id === r.id)).toEqual([r.id]);
    const events = await one.events(r.id, 0);
    expect(events.map((e) => [e.seq, e.type])).toEqual([[1, 'RUN_STARTED'], [2, 'RUN_FINISHED']]);
    expect(events[1].error).toBe('owner went silent');
    expect(await one.load(r.id)).toMatchObject({ status: 'ABANDONED', error: 'owner went silent' });
  });

  it('a renewed lease keeps the run alive, and an owner whose run was closed ABANDONED stores no more events', async () => {
    const [owner, other] = [instance('owner2'), instance('other2')];
    const r = run();
    await owner.create(r, 1000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await owner.renew(r.id, 1000)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await other.abandonExpired(finisher)).not.toContain(r.id);
    expect(await other.busy(['app', 'elsewhere'])).toMatchObject({ id: r.id });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await other.abandonExpired(finisher)).toContain(r.id);
    expect(await owner.renew(r.id, 1000)).toBe(false);
    await owner.append({ runId: r.id, seq: 2, type: 'MIGRATION_STARTED' });
    expect((await other.events(r.id, 0)).map((e) => e.type)).toEqual(['RUN_FINISHED']);
  });

  it('a run stored RUNNING before leases existed is closed ABANDONED a day after it started', async () => {
    const old = randomUUID();
    const recent = randomUUID();
    await db.sql(
      `INSERT INTO switchyard.migration_runs (id, databases, direction, status, started_at) VALUES
         ($1, '{app}', 'up', 'RUNNING', now() - interval '2 days'), ($2, '{app}', 'up', 'RUNNING', now() - interval '1 hour')`,
      [old, recent],
    );
    const closed = await instance('janitor').abandonExpired(finisher);
    expect(closed).toContain(old);
    expect(closed).not.toContain(recent);
  });
});
