import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { live, liveClient, until, type LiveSubscription } from './live-helpers.js';

let db: TestDatabase;
let gw: TestGateway;
const clients: { dispose(): Promise<void> | void }[] = [];

beforeAll(async () => {
  db = await createTestDatabase('live_agg');
  await db.sql(`CREATE TABLE orders (id int PRIMARY KEY, customer_id int NOT NULL, status text NOT NULL, total numeric(10,2) NOT NULL);
    INSERT INTO orders SELECT g, g % 3, (ARRAY['open','paid','void'])[1 + g % 4 % 3], g * 2.5 FROM generate_series(1, 60) g;`);
  gw = await startTestGateway({ live: { intervalMs: 120 }, databases: [{ name: 'shop', url: db.url }] });
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await gw?.stop();
  await db?.drop();
});

const CASES = [
  `($c: Int!) { shop { ordersAggregate(where: { customerId: { eq: $c } }) { count sum { total } } } }`,
  `($c: Int!) { shop { ordersGroupBy(by: [{ column: status }], where: { customerId: { eq: $c } }, orderBy: [{ key: { status: ASC } }]) { key { status } count } } }`,
];

function nextRefresh(): Promise<{ cohorts: number; members: number; statements: number }> {
  return new Promise((resolve) => {
    const off = gw.gateway.live.onRefresh((s) => (off(), resolve(s)));
  });
}

describe('live aggregates and group-by (#13)', () => {
  it('aggregates and group-by are live queries too: multiplexed per cohort, equal to the query, pushed when they change', async () => {
    const c = liveClient(gw);
    clients.push(c);
    const subs: { sub: LiveSubscription; query: string; variables: { c: number } }[] = [];
    for (const query of CASES) for (const v of [0, 1, 2]) subs.push({ sub: live(c, `subscription${query}`, { c: v }), query, variables: { c: v } });
    await until(() => subs.every((s) => s.sub.results.length > 0), 10_000, 'first results');
    expect(subs.every((s) => !s.sub.results[0].errors)).toBe(true);
    await db.sql(`UPDATE orders SET status = 'paid', total = total + 1 WHERE customer_id IN (0, 1, 2)`);
    const refresh = await nextRefresh();
    expect(refresh.statements).toBe(refresh.cohorts);
    expect(refresh.members).toBeGreaterThan(refresh.cohorts);
    await until(() => subs.every((s) => s.sub.results.length > 1), 5000, 'the change');
    for (const { sub, query, variables } of subs) {
      const expected = await gw.graphql(`query${query}`, variables);
      expect(expected.body.errors).toBeUndefined();
      expect(sub.results.at(-1)!.data).toEqual(expected.body.data);
    }
  });
});
