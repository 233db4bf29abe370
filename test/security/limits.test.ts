import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import type { TestGateway } from '../helpers/gateway.js';
import { captureLogs, startSecureGateway, type CapturedLog } from './security-helpers.js';

let shop: TestDatabase;
let gw: TestGateway;
let logs: CapturedLog;

const STACK_LINE = /\n\s+at |\bat [\w.<>]+ \(.*:\d+:\d+\)/;

beforeAll(async () => {
  shop = await createTestDatabase('shop');
  await shop.sql(`
    CREATE TABLE projects (id int PRIMARY KEY, name text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
    CREATE TABLE users (id int PRIMARY KEY, project_id int NOT NULL REFERENCES projects (id), email text NOT NULL, nickname text);
    INSERT INTO projects (id, name) VALUES (1, 'one'), (2, 'two');
    INSERT INTO users (id, project_id, email, nickname) VALUES (1, 1, 'ana@example.com', 'ana'), (2, 2, 'ben@example.com', 'ben');`);
  logs = captureLogs(() => []);
  gw = await startSecureGateway(
    {
      databases: [{ name: 'shop', url: shop.url }],
      limits: { maxDepth: 4, maxAliases: 3, maxTokens: 200, maxRows: 20_000 },
      introspection: false,
    },
    { logger: logs.logger },
  );
});

afterAll(async () => {
  await gw?.stop();
  await shop?.drop();
});

beforeEach(() => shop.resetStatements());
afterEach(() => {
  vi.restoreAllMocks();
});

/** Sends `query`, expects exactly one error matching `message`, and that shop received no statement. */
async function rejected(query: string, message: RegExp) {
  const { body } = await gw.graphql(query);
  expect(body.data ?? null).toBeNull();
  expect(body.errors).toHaveLength(1);
  expect(body.errors![0].message).toMatch(message);
  expect(await shop.statementCount()).toBe(0);
}

describe('graphql-armor limits and the row budget', () => {
  it('a query within every limit runs (one statement on the database)', async () => {
    const { body } = await gw.graphql(`{ shop { projects(orderBy: [{ id: ASC }]) { name users { email } } } }`);
    expect(body).toEqual({
      data: { shop: { projects: [{ name: 'one', users: [{ email: 'ana@example.com' }] }, { name: 'two', users: [{ email: 'ben@example.com' }] }] } },
    });
    expect(await shop.statementCount()).toBe(1);
  });

  it('nesting through relations deeper than maxDepth is rejected before anything runs', async () => {
    await rejected(`{ shop { projects { users { projects { users { email } } } } } }`, /Query depth limit of 4 exceeded/);
  });

  it('more aliases than maxAliases are rejected before anything runs', async () => {
    await rejected(`{ a: shop { projects { id } } b: shop { projects { id } } c: shop { projects { id } } d: shop { projects { id } } }`, /Aliases limit of 3 exceeded, found 4/);
  });

  it('a document of more than maxTokens tokens is rejected before anything runs', async () => {
    await rejected(`{ shop { projects { ${'id '.repeat(250)}} } }`, /Token limit of 200 exceeded/);
  });

  it('a query over the row budget (maxRows) is rejected before anything runs; the same shape with a small page runs', async () => {
    await rejected(`{ shop { projects(limit: 100) { users(limit: 500) { id } } } }`, /may read up to 50100 rows, above the row budget of 20000/);
    const { body } = await gw.graphql(`{ shop { projects(limit: 2) { users(limit: 500) { id } } } }`);
    expect(body.errors).toBeUndefined();
    expect(body.data.shop.projects).toEqual([{ users: [{ id: 1 }] }, { users: [{ id: 2 }] }]);
  });
});

describe('introspection: false', () => {
  it('an __schema query is rejected while normal queries work', async () => {
    const { body } = await gw.graphql(`{ __schema { queryType { name } } }`);
    expect(body.data ?? null).toBeNull();
    expect(body.errors![0].message).toMatch(/introspection/i);
    const normal = await gw.graphql(`{ shop { projects(where: { id: { eq: 1 } }) { name } } }`);
    expect(normal.body).toEqual({ data: { shop: { projects: [{ name: 'one' }] } } });
  });
});

describe('errors', () => {
  it('a Postgres error through a stale schema is a DB_ERROR naming the database, without a stack trace', async () => {
    await shop.sql('ALTER TABLE users DROP COLUMN nickname');
    const { body } = await gw.graphql(`{ shop { users { id nickname } } }`);
    expect(body.errors).toHaveLength(1);
    expect(body.errors![0]).toMatchObject({
      message: expect.stringMatching(/^\[shop\.users\] .*column .*nickname does not exist/),
      extensions: { code: 'DB_ERROR', database: 'shop', sqlState: '42703' },
    });
    expect(JSON.stringify(body)).not.toMatch(STACK_LINE);
    expect(JSON.stringify(body)).not.toMatch(/node_modules|\.ts:\d+/);
  });

  it('an unexpected internal error is masked as "Unexpected error." and logged on the server', async () => {
    // NOTE: the public surface turns every failure we know of into a GatewayError, so an internal
    // fault is simulated: the registry throws a plain TypeError while `databases` resolves.
    vi.spyOn(gw.gateway.registry, 'list').mockImplementationOnce(() => {
      throw new TypeError('registry corrupted at /srv/switchyard/internal.ts');
    });
    const { status, body } = await gw.graphql(`{ databases { name } }`);
    expect(status).toBe(200);
    expect(body.errors).toEqual([expect.objectContaining({ message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } })]);
    const text = JSON.stringify(body);
    expect(text).not.toMatch(/TypeError|registry corrupted|\/srv\//);
    expect(text).not.toMatch(STACK_LINE);
    expect(logs.lines.some((l) => l.includes('"msg":"unexpected error"') && l.includes('registry corrupted'))).toBe(true);
  });
});
