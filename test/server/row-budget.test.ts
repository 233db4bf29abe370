import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

let chain: TestDatabase;
let gw: TestGateway;
let ws: Client;

const NESTED_1000 = `{ chain { l1(limit: 1000) { id l2(limit: 1000) { id l3(limit: 1000) { id l4(limit: 1000) { id } } } } } }`;

beforeAll(async () => {
  chain = await createTestDatabase('chain');
  await chain.sql(`
    CREATE TABLE l1 (id int PRIMARY KEY);
    CREATE TABLE l2 (id int PRIMARY KEY, l1_id int NOT NULL REFERENCES l1 (id));
    CREATE TABLE l3 (id int PRIMARY KEY, l2_id int NOT NULL REFERENCES l2 (id));
    CREATE TABLE l4 (id int PRIMARY KEY, l3_id int NOT NULL REFERENCES l3 (id));
    INSERT INTO l1 SELECT g FROM generate_series(1, 1200) g;
    INSERT INTO l2 SELECT g, g FROM generate_series(1, 20) g;
    INSERT INTO l3 SELECT g, g FROM generate_series(1, 20) g;
    INSERT INTO l4 SELECT g, g FROM generate_series(1, 20) g;`);
  gw = await startTestGateway({
    databases: [{ name: 'chain', url: chain.url }],
    relationships: [{ name: 'twins', type: 'array', from: { database: 'chain', table: 'l1', columns: ['id'] }, to: { database: 'chain', table: 'l4', columns: ['l3_id'] } }],
    probeIntervalMs: 60_000,
  });
  ws = createClient({ url: gw.url.replace('http', 'ws') + '/graphql', webSocketImpl: WebSocket, retryAttempts: 0 });
});

afterAll(async () => {
  await ws?.dispose();
  await gw?.stop();
  await chain?.drop();
});

beforeEach(() => chain.resetStatements());

/** Expects one ROW_BUDGET_EXCEEDED error with `estimate`, and no statement on the database. */
async function refused(query: string, estimate: number, variables?: Record<string, unknown>) {
  const { body } = await gw.graphql(query, variables);
  expect(body.data ?? null).toBeNull();
  expect(body.errors).toEqual([
    expect.objectContaining({
      message: `[limits] the operation may read up to ${estimate} rows, above the row budget of 50000 (limits.maxRows)`,
      extensions: expect.objectContaining({ code: 'ROW_BUDGET_EXCEEDED', budget: 50_000, estimate, hint: expect.stringMatching(/limit.*paginate|page through/) }),
    }),
  ]);
  expect(await chain.statementCount()).toBe(0);
}

async function ok(query: string, variables?: Record<string, unknown>) {
  const { body } = await gw.graphql(query, variables);
  expect(body.errors).toBeUndefined();
  return body.data;
}

describe('row budget (limits.maxRows, default 50000)', () => {
  it('four nested lists at limit 1000 are refused before any SQL, naming the budget and the estimate', async () => {
    await refused(NESTED_1000, 1000 + 1000 ** 2 + 1000 ** 3 + 1000 ** 4);
  });

  it('a legal first: 1000 connection page runs (the cost estimate refused it)', async () => {
    const data = await ok(`{ chain { l1Connection(first: 1000) { totalCount edges { cursor node { id } } pageInfo { hasNextPage } } } }`);
    expect(data.chain.l1Connection.edges).toHaveLength(1000);
    expect(data.chain.l1Connection.edges[999].node).toEqual({ id: 1000 });
    expect(data.chain.l1Connection.pageInfo.hasNextPage).toBe(true);
  });

  it('limit: $n and first: $n count the value of the variable, defaults of variables included', async () => {
    const query = `query ($n: Int = 1000, $m: Int!) { chain { l1(limit: $n) { l2(limit: $m) { id } } l1Connection(first: $m) { nodes { id } } } }`;
    await refused(query, 1000 + 1000 * 100 + 100, { m: 100 });
    const data = await ok(query, { n: 3, m: 2 });
    expect(data.chain.l1).toEqual([{ l2: [{ id: 1 }] }, { l2: [{ id: 2 }] }, { l2: [{ id: 3 }] }]);
    expect(data.chain.l1Connection.nodes).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it('lists without limit count defaultLimit, through named and inline fragments', async () => {
    const fragments = `fragment A on Chain_L1 { l2 { ...B } } fragment B on Chain_L2 { ... on Chain_L2 { id l3 { id } } }`;
    await refused(`{ chain { l1 { ...A } } } ${fragments}`, 100 + 100 ** 2 + 100 ** 3);
    const data = await ok(`{ chain { l1(limit: 2) { ...A } } } ${fragments}`);
    expect(data.chain.l1).toEqual([{ l2: [{ id: 1, l3: [{ id: 1 }] }] }, { l2: [{ id: 2, l3: [{ id: 2 }] }] }]);
  });

  it('by-key fields, many-to-one fields and aggregates multiply by 1', async () => {
    const data = await ok(`{ chain {
      l4(limit: 1000) { id l3 { l2 { l1 { id } } } }
      l1ByPk(id: 1) { l2(limit: 1000) { l3(limit: 40) { id } } }
      l1Aggregate { count }
    } }`);
    expect(data.chain.l4).toHaveLength(20);
    expect(data.chain.l4[0].l3.l2.l1).toEqual({ id: 1 });
    expect(data.chain.l1Aggregate.count).toBe(1200);
  });

  it('cross-database array relationships count their limit, or defaultLimit', async () => {
    await refused(`{ chain { l1(limit: 1000) { twins { id } } } }`, 1000 + 1000 * 100);
    const data = await ok(`{ chain { l1(limit: 1000, where: { id: { lte: 2 } }) { id twins(limit: 49) { id } } } }`);
    expect(data.chain.l1).toEqual([{ id: 1, twins: [{ id: 1 }] }, { id: 2, twins: [{ id: 2 }] }]);
  });

  it('a limit above maxLimit counts as maxLimit and still gets its own LIMIT_EXCEEDED error', async () => {
    const { body } = await gw.graphql(`{ chain { l1(limit: 5000) { id } } }`);
    expect(body.errors?.[0].extensions?.code).toBe('LIMIT_EXCEEDED');
    await refused(`{ chain { l1(limit: 5000) { l2(limit: 5000) { id } } } }`, 1000 + 1000 * 1000);
  });

  it('over WebSocket the same operation is refused before any SQL', async () => {
    const result = await new Promise<any>((resolve, reject) => {
      let last: unknown;
      ws.subscribe({ query: NESTED_1000 }, { next: (r) => (last = r), error: reject, complete: () => resolve(last) });
    });
    expect(result.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'ROW_BUDGET_EXCEEDED', estimate: 1000 + 1000 ** 2 + 1000 ** 3 + 1000 ** 4 }) })]);
    expect(result.data ?? null).toBeNull();
    expect(await chain.statementCount()).toBe(0);
  });

  it('introspection is not counted', async () => {
    const data = await ok(`{ __schema { types { name fields { name args { name type { name ofType { name } } } } } } }`);
    expect(data.__schema.types.length).toBeGreaterThan(20);
  });
});
