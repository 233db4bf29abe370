import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

let db: TestDatabase;
let gw: TestGateway;

beforeAll(async () => {
  db = await createTestDatabase('metrics');
  await db.sql('CREATE TABLE items (id int PRIMARY KEY)');
  gw = await startTestGateway({ databases: [{ name: 'shop', url: db.url }], probeIntervalMs: 60_000 });
});

afterAll(async () => {
  await gw?.stop();
  await db?.drop();
});

it('GET /metrics reports database health, pool, statements and request timings in Prometheus format', async () => {
  await gw.graphql(`{ shop { items { id } } }`);
  await gw.graphql(`{ shop { items { id } } }`);
  const res = await fetch(`${gw.url}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/text\/plain/);
  const text = await res.text();
  expect(text).toMatch(/^switchyard_database_up\{database="shop"\} 1$/m);
  expect(text).toMatch(/^switchyard_statements_total\{database="shop"\} 2$/m);
  expect(text).toMatch(/^switchyard_pool_connections\{database="shop"\} [1-9]/m);
  expect(text).toMatch(/^switchyard_http_request_duration_seconds_count\{path="\/graphql",status="200"\} 2$/m);
  expect(text).not.toContain(db.cluster.password);
});
