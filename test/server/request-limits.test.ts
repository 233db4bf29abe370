import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createDocumentCaches } from '../../src/server/document-cache.js';
import { documentNesting, valueNesting } from '../../src/server/use-request-limits.js';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

let shop: TestDatabase;
let gw: TestGateway;
let noGet: TestGateway;

beforeAll(async () => {
  shop = await createTestDatabase('limits');
  await shop.sql(`
    CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL, parent_id int REFERENCES items (id));
    INSERT INTO items VALUES (1, 'one', NULL), (2, 'two', 1);`);
  const databases = [{ name: 'shop', url: shop.url }];
  [gw, noGet] = await Promise.all([
    startTestGateway({ databases, probeIntervalMs: 60_000, limits: { maxNesting: 40 } }),
    startTestGateway({ databases, probeIntervalMs: 60_000, allowGet: false }),
  ]);
});

afterAll(async () => {
  await Promise.all([gw?.stop(), noGet?.stop()]);
  await shop?.drop();
});

beforeEach(() => shop.resetStatements());

/** A `where` literal: `not: { not: { … { id: { eq: 1 } } } }`, `levels` deep. */
const nestedNot = (levels: number) => `${'{ not: '.repeat(levels)}{ id: { eq: 1 } }${' }'.repeat(levels)}`;

async function post(body: string) {
  const res = await fetch(`${gw.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body,
  });
  return { status: res.status, body: (await res.json()) as { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] } };
}

async function get(target: TestGateway, search: string) {
  const res = await fetch(`${target.url}/graphql?${search}`, { headers: { accept: 'application/graphql-response+json' } });
  return { status: res.status, body: (await res.json()) as { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] } };
}

describe('request limits: nesting', () => {
  it('a filter literal nested 900 levels deep is a 400 naming the limit, before any statement, and /health stays 200', async () => {
    const { status, body } = await gw.graphql(`{ shop { items(where: ${nestedNot(900)}) { id } } }`);
    expect(status).toBe(400);
    expect(body.errors?.[0].message).toMatch(/nests \d+ levels deep; the limit is 40 \(limits\.maxNesting\)/);
    expect(body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(await shop.statementCount()).toBe(0);
    expect((await gw.get('/health')).status).toBe(200);
  });

  it('a filter nested within the limit still runs', async () => {
    const { status, body } = await gw.graphql(`{ shop { items(where: ${nestedNot(16)}) { id } } }`);
    expect(status).toBe(200);
    expect(body).toEqual({ data: { shop: { items: [{ id: 1 }] } } });
  });

  it('a variable nested 10,000 arrays deep is a 400 naming the limit', async () => {
    const deep = `${'['.repeat(10_000)}1${']'.repeat(10_000)}`;
    const { status, body } = await post(`{"query":"query($j: JSON) { shop { items { id } } }","variables":{"j":${deep}}}`);
    expect(status).toBe(400);
    expect(body.errors?.[0].message).toMatch(/variables nest deeper than 40 levels \(limits\.maxNesting\)/);
    expect(await shop.statementCount()).toBe(0);
  });

  it('a filter variable nested deeper than the limit is refused, one within it answers like the inline form', async () => {
    const deepWhere = JSON.parse(`${'{"not":'.repeat(60)}{"id":{"eq":1}}${'}'.repeat(60)}`);
    const refused = await gw.graphql(`query($w: Shop_ItemsFilter) { shop { items(where: $w) { id } } }`, { w: deepWhere });
    expect(refused.status).toBe(400);
    const shallow = JSON.parse(`${'{"not":'.repeat(16)}{"id":{"eq":1}}${'}'.repeat(16)}`);
    const ok = await gw.graphql(`query($w: Shop_ItemsFilter) { shop { items(where: $w) { id } } }`, { w: shallow });
    expect(ok.body).toEqual({ data: { shop: { items: [{ id: 1 }] } } });
  });

  it('over graphql-ws, a document or variables nested too deep get an error message and the socket stays usable', async () => {
    const client = createClient({ url: gw.url.replace('http', 'ws') + '/graphql', webSocketImpl: WebSocket, retryAttempts: 0 });
    try {
      const run = (query: string, variables?: Record<string, unknown>) =>
        new Promise<{ errors?: readonly { message: string }[]; data?: unknown }>((resolve, reject) => {
          let last: { errors?: readonly { message: string }[]; data?: unknown } = {};
          client.subscribe({ query, variables }, { next: (v) => (last = v as typeof last), error: (e) => resolve({ errors: Array.isArray(e) ? e : [e as Error] }), complete: () => resolve(last) });
          setTimeout(() => reject(new Error('no answer')), 5000);
        });
      const deepDoc = await run(`{ shop { items(where: ${nestedNot(900)}) { id } } }`);
      expect(deepDoc.errors?.[0].message).toMatch(/limits\.maxNesting/);
      const deepVars = await run(`query($j: JSON) { shop { items { id } } }`, { j: JSON.parse(`${'['.repeat(100)}1${']'.repeat(100)}`) });
      expect(deepVars.errors?.[0].message).toMatch(/limits\.maxNesting/);
      const fine = await run(`{ shop { items(orderBy: [{ id: ASC }]) { id } } }`);
      expect(fine.data).toEqual({ shop: { items: [{ id: 1 }, { id: 2 }] } });
    } finally {
      await client.dispose();
    }
  });
});

describe('request limits: GET', () => {
  it('GET with variables that are not JSON is a 400, not a 500', async () => {
    const query = encodeURIComponent('query($id: Int!) { shop { itemsByPk(id: $id) { name } } }');
    const bad = await get(gw, `query=${query}&variables=notjson`);
    expect(bad.status).toBe(400);
    expect(bad.body.errors?.[0].message).toMatch(/variables parameter is not valid JSON/);
    const notObject = await get(gw, `query=${query}&variables=${encodeURIComponent('[1]')}`);
    expect(notObject.status).toBe(400);
    const good = await get(gw, `query=${query}&variables=${encodeURIComponent('{"id":2}')}`);
    expect(good).toEqual({ status: 200, body: { data: { shop: { itemsByPk: { name: 'two' } } } } });
  });

  it('GET runs queries only: a mutation by GET is refused and writes nothing', async () => {
    const mutation = encodeURIComponent('mutation { shop { deleteItems(where: {}) { id } } }');
    const res = await get(gw, `query=${mutation}`);
    expect(res.status).toBe(405);
    expect(await shop.sql('SELECT count(*)::int AS n FROM items')).toEqual([{ n: 2 }]);
  });

  it('allowGet: false refuses every GET operation with 405 and still serves POST', async () => {
    const res = await get(noGet, `query=${encodeURIComponent('{ shop { items { id } } }')}`);
    expect(res.status).toBe(405);
    expect(res.body.errors?.[0].message).toMatch(/allowGet: false/);
    const posted = await noGet.graphql('{ shop { itemsByPk(id: 1) { name } } }');
    expect(posted.body).toEqual({ data: { shop: { itemsByPk: { name: 'one' } } } });
  });
});

describe('nesting and cache helpers', () => {
  it('documentNesting skips strings, block strings and comments', () => {
    expect(documentNesting('{ a(b: "{{{{", c: """ [[[ \\""" ((( """) { d } } # {{{{{')).toBe(2);
    expect(documentNesting('{ a { b { c } } }')).toBe(3);
  });

  it('valueNesting counts arrays and objects, scalars are 0', () => {
    expect(valueNesting(1)).toBe(0);
    expect(valueNesting({ a: [1, { b: null }] })).toBe(3);
  });

  it('the document cache keeps at most maxDocuments entries and maxBytes of query text', () => {
    const { documentCache } = createDocumentCaches({ maxDocuments: 10, maxBytes: 2000 });
    const doc = { kind: 'Document', definitions: [] } as never;
    for (let i = 0; i < 50; i++) documentCache.set(`{ a${i} }`, doc);
    expect(documentCache.size).toBe(10);
    for (let i = 0; i < 50; i++) documentCache.set(`{ b${i} ${'x'.repeat(300)} }`, doc);
    expect(documentCache.calculatedSize).toBeLessThanOrEqual(2000);
  });
});
