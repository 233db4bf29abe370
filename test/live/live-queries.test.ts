import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import type { LiveStats } from '../../src/live/index.js';
import { live, liveClient, sleep, until } from './live-helpers.js';

const INTERVAL = 150;
let shop: TestDatabase;
let crm: TestDatabase;
let gw: TestGateway;
const clients: { dispose(): Promise<void> | void }[] = [];

beforeAll(async () => {
  [shop, crm] = await Promise.all([createTestDatabase('live_shop'), createTestDatabase('live_crm', 'b')]);
  await shop.sql(`
    CREATE TABLE orders (id int PRIMARY KEY, customer_id int NOT NULL, status text NOT NULL, total numeric(10,2) NOT NULL);
    INSERT INTO orders SELECT g, g % 10, 'open', g * 1.5 FROM generate_series(1, 50) g;`);
  await crm.sql(`
    CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL);
    INSERT INTO customers SELECT g, 'customer ' || g FROM generate_series(0, 9) g;`);
  gw = await startTestGateway({
    live: { intervalMs: INTERVAL, maxPerConnection: 1000 },
    databases: [
      { name: 'shop', url: shop.url },
      { name: 'crm', url: crm.url },
    ],
    relationships: [{ name: 'customer', type: 'object', from: { database: 'shop', table: 'orders', columns: ['customer_id'] }, to: { database: 'crm', table: 'customers', columns: ['id'] } }],
  });
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await gw?.stop();
  await Promise.all([shop?.drop(), crm?.drop()]);
});

function client() {
  const c = liveClient(gw);
  clients.push(c);
  return c;
}

const ORDERS = `subscription($customer: Int!) { shop { orders(where: { customerId: { eq: $customer } }, orderBy: [{ id: ASC }]) { id status total } } }`;

describe('live queries (docs/PROTOCOL.md, Live queries)', () => {
  it('the first result is sent at once', async () => {
    const started = performance.now();
    const sub = live(client(), ORDERS, { customer: 3 });
    await until(() => sub.results.length > 0, 5000, 'first result');
    expect(sub.results[0].errors).toBeUndefined();
    expect(sub.results[0].data.shop.orders.map((o: { id: number }) => o.id)).toEqual([3, 13, 23, 33, 43]);
    expect(sub.results[0].at - started).toBeLessThan(INTERVAL + 1000);
    sub.stop();
  });

  it('a row changed in SQL reaches the subscriber within the interval plus 500 ms', async () => {
    const sub = live(client(), ORDERS, { customer: 4 });
    await until(() => sub.results.length > 0);
    await sleep(INTERVAL);
    const committed = performance.now();
    await shop.sql(`UPDATE orders SET status = 'paid' WHERE id = 14`);
    await until(() => sub.results.length > 1, 5000, 'the change');
    const latency = sub.results[1].at - committed;
    expect(sub.results[1].data.shop.orders.find((o: { id: number }) => o.id === 14).status).toBe('paid');
    expect(latency).toBeLessThan(INTERVAL + 500);
    sub.stop();
  });

  it('a new result is sent each time the result changes, never the same result twice in a row', async () => {
    const sub = live(client(), ORDERS, { customer: 5 });
    await until(() => sub.results.length > 0);
    await refreshes(4);
    expect(sub.results).toHaveLength(1);
    await shop.sql(`UPDATE orders SET status = 'paid' WHERE id = 15`);
    await until(() => sub.results.length === 2, 5000, 'the change');
    await shop.sql(`UPDATE orders SET status = 'open' WHERE id = 15`);
    await until(() => sub.results.length === 3, 5000, 'the change back');
    await refreshes(3);
    expect(sub.results.map((r) => r.data.shop.orders.find((o: { id: number }) => o.id === 15).status)).toEqual(['open', 'paid', 'open']);
    sub.stop();
  });

  it('live queries whose root fields compile to the same statement cost one statement per interval: 1,000 subscribers over 10 variable sets, counted by the database server', async () => {
    await until(() => gw.gateway.live.stats().open === 0, 5000, 'earlier live queries to end');
    const sockets = Array.from({ length: 4 }, () => client());
    const subs = Array.from({ length: 1000 }, (_, i) => live(sockets[i % 4], ORDERS, { customer: i % 10 }));
    await until(() => subs.every((s) => s.results.length > 0), 20_000, 'every first result');
    expect(subs[7].results[0].data.shop.orders.map((o: { id: number }) => o.id)).toEqual([7, 17, 27, 37, 47]);
    const { counted, window } = await countedOverRefreshes(shop, 5);
    expect(window.every((r) => r.subscriptions >= 1000)).toBe(true);
    expect(window.map((r) => [r.cohorts, r.members, r.statements])).toEqual(Array(5).fill([1, 10, 1]));
    expect(counted).toBe(5);
    subs.forEach((s) => s.stop());
  });

  it('a cross-database field in a live query costs one statement per edge per cohort per interval, and changes when the other database’s row changes', async () => {
    const query = `subscription($customer: Int!) { shop { orders(where: { customerId: { eq: $customer } }, limit: 2) { id customer { name } } } }`;
    const subs = Array.from({ length: 20 }, (_, i) => live(client(), query, { customer: i % 10 }));
    await until(() => subs.every((s) => s.results.length > 0), 10_000, 'every first result');
    expect(subs[6].results[0].data.shop.orders[0].customer.name).toBe('customer 6');
    await until(() => gw.gateway.live.stats().open === 20, 5000, 'earlier live queries to end');
    const [refresh] = await refreshes(1);
    expect([refresh.cohorts, refresh.statements]).toEqual([2, 2]);
    const committed = performance.now();
    await crm.sql(`UPDATE customers SET name = 'renamed 6' WHERE id = 6`);
    await until(() => subs[6].results.length > 1, 5000, 'the change on crm');
    expect(subs[6].results[1].data.shop.orders[0].customer.name).toBe('renamed 6');
    expect(subs[6].results[1].at - committed).toBeLessThan(INTERVAL + 500);
    expect(subs[5].results).toHaveLength(1);
    subs.forEach((s) => s.stop());
  });
});

/** Statements the database server counted (pg_stat_statements) since the last reset, but the health probes and the counting itself. */
async function statementsBesidesProbes(db: TestDatabase): Promise<number> {
  const [{ n }] = await db.sql<{ n: string }>(
    `SELECT coalesce(sum(calls), 0) AS n FROM pg_stat_statements
      WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND query NOT ILIKE '%pg_stat_statements%' AND query NOT ILIKE '%AS server_version%'`,
  );
  return Number(n);
}

/**
 * Statements the server counted over `n` whole refreshes: reset right after a refresh finished,
 * count right after the n-th next one. A refresh that starts while the reset is under way makes the
 * window ambiguous, so the measurement is taken again.
 */
async function countedOverRefreshes(db: TestDatabase, n: number): Promise<{ counted: number; window: LiveStats['last'][] }> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const seen: { stats: LiveStats['last']; at: number }[] = [];
    const off = gw.gateway.live.onRefresh((stats) => void seen.push({ stats, at: performance.now() }));
    try {
      await until(() => seen.length > 0, 5000, 'a refresh');
      await db.resetStatements();
      const resetDone = performance.now();
      if (seen.length > 1) continue;
      await until(() => seen.length > n, 10_000, `${n} refreshes`);
      const counted = await statementsBesidesProbes(db);
      const window = seen.slice(1, n + 1);
      // The first refresh of the window must have started after the reset returned.
      if (window[0].at - window[0].stats.durationMs < resetDone || seen.length > n + 1) continue;
      return { counted, window: window.map((w) => w.stats) };
    } finally {
      off();
    }
  }
  throw new Error('no quiet window to count statements in');
}

/** The next `n` refreshes, as the gateway counted them. */
function refreshes(n: number): Promise<LiveStats['last'][]> {
  const seen: LiveStats['last'][] = [];
  return new Promise((resolve) => {
    const off = gw.gateway.live.onRefresh((stats) => {
      seen.push(stats);
      if (seen.length === n) {
        off();
        resolve(seen);
      }
    });
  });
}
