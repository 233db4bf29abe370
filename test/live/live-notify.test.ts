import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import type { LiveStats } from '../../src/live/index.js';
import { live, liveClient, until } from './live-helpers.js';

const INTERVAL = 150;
let db: TestDatabase;
let gw: TestGateway;
const clients: { dispose(): Promise<void> | void }[] = [];

beforeAll(async () => {
  db = await createTestDatabase('live_notify');
  await db.sql(`CREATE TABLE tickets (id int PRIMARY KEY, state text NOT NULL); INSERT INTO tickets SELECT g, 'open' FROM generate_series(1, 20) g;
    CREATE TABLE notes (id int PRIMARY KEY, body text); CREATE VIEW open_tickets AS SELECT * FROM tickets WHERE state = 'open';`);
  gw = await startTestGateway({ probeIntervalMs: 60_000, live: { intervalMs: INTERVAL }, databases: [{ name: 'desk', url: db.url, live: { notify: true } }] });
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await gw?.stop();
  await db?.drop();
});

const triggers = async () => (await db.sql<{ n: string }>(`SELECT count(*) AS n FROM pg_trigger WHERE tgname = 'switchyard_live_notify'`))[0].n;

function refreshes(n: number): Promise<LiveStats['last'][]> {
  const seen: LiveStats['last'][] = [];
  return new Promise((resolve) => {
    const off = gw.gateway.live.onRefresh((s) => {
      seen.push(s);
      if (seen.length === n) (off(), resolve(seen));
    });
  });
}

describe('notify mode (live.notify)', () => {
  it('installLiveNotify without confirm: true shows the DDL it would run and installs nothing', async () => {
    const { body } = await gw.graphql(`mutation { installLiveNotify(database: "desk") { database statements tables installed } }`);
    expect(body.errors).toBeUndefined();
    const shown = body.data.installLiveNotify;
    expect(shown).toMatchObject({ database: 'desk', tables: 2, installed: false });
    expect(shown.statements[0]).toMatch(/^CREATE OR REPLACE FUNCTION public\.switchyard_live_notify\(\) RETURNS trigger/);
    expect(shown.statements).toContain('CREATE TRIGGER switchyard_live_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "public"."tickets" FOR EACH STATEMENT EXECUTE FUNCTION public.switchyard_live_notify()');
    expect(await triggers()).toBe('0');
  });

  it('in notify mode, a cohort whose tables did not change costs no statement, and a change still reaches the subscriber within the interval plus 500 ms', async () => {
    const { body } = await gw.graphql(`mutation { installLiveNotify(database: "desk", confirm: true) { installed } }`);
    expect(body.data.installLiveNotify.installed).toBe(true);
    expect(await triggers()).toBe('2');
    const c = liveClient(gw);
    clients.push(c);
    const sub = live(c, `subscription($id: Int!) { desk { ticketsByPk(id: $id) { state } } }`, { id: 3 });
    const viewSub = live(c, `subscription { desk { openTicketsAggregate { count } } }`);
    await until(() => sub.results.length > 0 && viewSub.results.length > 0, 5000, 'first results');
    // Once the listener is up, the table's cohort is answered from what was read; the view has no trigger and is polled.
    await until(() => gw.gateway.live.stats().last.cached > 0, 5000, 'the listener');
    const quiet = await refreshes(3);
    expect(quiet.map((r) => [r.cohorts, r.cached, r.statements])).toEqual(Array(3).fill([2, 1, 1]));

    const committed = performance.now();
    await db.sql(`UPDATE tickets SET state = 'closed' WHERE id = 3`);
    await until(() => sub.results.length > 1, 5000, 'the change');
    expect(sub.results[1].data.desk.ticketsByPk.state).toBe('closed');
    expect(sub.results[1].at - committed).toBeLessThan(INTERVAL + 500);
    await until(() => viewSub.results.length > 1, 5000, 'the view to change too');
    expect(viewSub.results[1].data.desk.openTicketsAggregate.count).toBe(19);

    // A write to another table does not make the cohort poll.
    await db.sql(`INSERT INTO notes VALUES (1, 'hello')`);
    const after = await refreshes(3);
    expect(after.slice(1).map((r) => r.cached)).toEqual([1, 1]);
    const metrics = await (await fetch(`${gw.url}/metrics`)).text();
    expect(metrics).toMatch(/^switchyard_live_queries 2$/m);
    expect(Number(/^switchyard_live_cached_members_total (\d+)/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(5);
    sub.stop();
    viewSub.stop();
  });
});
