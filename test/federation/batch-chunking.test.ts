import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_KEYS_PER_STATEMENT } from '../../src/federation/index.js';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { READ_RUNS } from '../helpers/fast-path.js';

let orders: TestDatabase;
let people: TestDatabase;
let gw: TestGateway;

beforeAll(async () => {
  [orders, people] = await Promise.all([createTestDatabase('orders', 'a'), createTestDatabase('people', 'b')]);
  // Parents in descending id order point at customers in a shuffled order, so order mistakes show.
  await orders.sql(`CREATE TABLE orders (id int PRIMARY KEY, customer_id int NOT NULL);
    INSERT INTO orders SELECT g, (g * 7919) % 2503 + 1 FROM generate_series(1, 2500) g;`);
  await people.sql(`CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL);
    CREATE TABLE notes (id int PRIMARY KEY, customer_id int NOT NULL, body text NOT NULL);
    INSERT INTO customers SELECT g, 'c' || g FROM generate_series(1, 2503) g;
    INSERT INTO notes SELECT g, (g - 1) % 2503 + 1, 'n' || g FROM generate_series(1, 5006) g;`);
  gw = await startTestGateway({
    databases: [
      { name: 'orders', url: orders.url },
      { name: 'people', url: people.url },
    ],
    relationships: [
      { name: 'customer', type: 'object', from: { database: 'orders', table: 'orders', columns: ['customer_id'] }, to: { database: 'people', table: 'customers', columns: ['id'] } },
      { name: 'notes', type: 'array', from: { database: 'orders', table: 'orders', columns: ['customer_id'] }, to: { database: 'people', table: 'notes', columns: ['customer_id'] } },
    ],
    limits: { maxLimit: 3000 },
    probeIntervalMs: 60_000,
  });
});

afterAll(async () => {
  await gw?.stop();
  await Promise.all([orders?.drop(), people?.drop()]);
});

describe('cross-database batches are chunked', () => {
  it(`2,500 parents make 3 statements of at most ${MAX_KEYS_PER_STATEMENT} keys, with every row right and in parent order`, async () => {
    await people.resetStatements();
    const { body } = await gw.graphql(`{ orders { orders(limit: 2500, orderBy: [{ id: DESC }]) { id customerId customer { id name } notes(orderBy: [{ id: DESC }], limit: 2) { body } } } }`);
    expect(body.errors).toBeUndefined();
    const rows = body.data.orders.orders;
    expect(rows).toHaveLength(2500);
    expect(rows[0].id).toBe(2500);
    for (const row of rows) {
      expect(row.customer).toEqual({ id: row.customerId, name: `c${row.customerId}` });
      expect(row.notes).toEqual([{ body: `n${row.customerId + 2503}` }, { body: `n${row.customerId}` }]);
    }
    // customer and notes: 3 chunks each (per path in the differential run)
    expect(await people.statementCount()).toBe(6 * READ_RUNS);
    const [{ n }] = await people.sql<{ n: string }>(`SELECT count(DISTINCT query) AS n FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND query ILIKE '%customers%' AND query NOT ILIKE '%pg_stat_statements%'`);
    expect(Number(n)).toBe(READ_RUNS);
  });
});
