import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

// Issue #12 item 6: one failing root field does not blank its siblings.
let db: TestDatabase;
let gw: TestGateway;

beforeAll(async () => {
  db = await createTestDatabase('rootf');
  await db.sql(`
    CREATE TABLE item (id int PRIMARY KEY, name text UNIQUE);
    INSERT INTO item VALUES (1, 'one'), (2, 'two');
    CREATE MATERIALIZED VIEW item_stats AS SELECT count(*)::int AS n FROM item WITH NO DATA;
    CREATE VIEW slow AS SELECT 1 AS x FROM pg_sleep(2);
  `);
  gw = await startTestGateway({ databases: [{ name: 'shop', url: db.url, statementTimeoutMs: 300 }] });
});

afterAll(async () => {
  await gw?.stop();
  await db?.drop();
});

describe('root fields are nullable: an error stays at its own path', () => {
  it('an unpopulated materialized view nulls only its field, names it, and hints at REFRESH MATERIALIZED VIEW', async () => {
    const { status, body } = await gw.graphql('{ shop { item(orderBy: [{ id: ASC }]) { id } itemStats { n } itemAggregate { count } } }');
    expect(status).toBe(200);
    expect(body.data).toEqual({ shop: { item: [{ id: 1 }, { id: 2 }], itemStats: null, itemAggregate: { count: 2 } } });
    expect(body.errors).toHaveLength(1);
    const [error] = body.errors!;
    expect(error.path).toEqual(['shop', 'itemStats']);
    expect(error.message).toMatch(/^\[shop\.itemStats\] materialized view "item_stats" has not been populated/);
    expect(error.extensions?.hint).toMatch(/REFRESH MATERIALIZED VIEW "item_stats"/);
    expect(error.extensions?.hint).not.toMatch(/base tables/);
    expect(error.extensions?.sqlState).toBe('55000');
  });

  it('a statement timeout nulls only its field; the siblings whose statements ran keep their data', async () => {
    const { body } = await gw.graphql('{ shop { slow { x } fast: itemByPk(id: 2) { name } itemConnection(first: 1) { totalCount } } }');
    expect(body.data).toEqual({ shop: { slow: null, fast: { name: 'two' }, itemConnection: { totalCount: 2 } } });
    expect(body.errors).toHaveLength(1);
    expect(body.errors![0].path).toEqual(['shop', 'slow']);
    expect(body.errors![0].message).toMatch(/^\[shop\.slow\] canceling statement due to statement timeout/);
  });

  it('an aliased root field is named by alias and field', async () => {
    const { body } = await gw.graphql('{ shop { stats: itemStats { n } item { id } } }');
    expect(body.data.shop.stats).toBeNull();
    expect(body.data.shop.item).toHaveLength(2);
    expect(body.errors![0].path).toEqual(['shop', 'stats']);
    expect(body.errors![0].message).toMatch(/^\[shop\.stats: itemStats\] /);
  });

  it('the root fields are nullable in the schema, so the namespace itself is never blanked by one of them', async () => {
    const { body } = await gw.graphql('{ __type(name: "Shop_Query") { fields { name type { kind } } } }');
    const kinds = body.data.__type.fields.map((f: { type: { kind: string } }) => f.type.kind);
    expect(kinds.length).toBeGreaterThan(4);
    expect(kinds.filter((k: string) => k === 'NON_NULL')).toEqual([]);
  });
});

describe('mutations keep one transaction, and their errors name the field', () => {
  it('a failing mutation field rolls back its siblings and its error names database and field', async () => {
    const { body } = await gw.graphql(`mutation {
      shop { ok: insertItem(objects: [{ id: 3, name: "three" }]) { id } insertItem(objects: [{ id: 4, name: "one" }]) { id } }
    }`);
    expect(body.data.shop).toBeNull();
    expect(body.errors![0].message).toMatch(/^\[shop\.insertItem\] unique constraint "item_name_key" violated/);
    expect(body.errors![0].extensions?.hint).toMatch(/onConflict/);
    expect(await db.sql('SELECT id FROM item ORDER BY id')).toEqual([{ id: 1 }, { id: 2 }]);
  });
});
