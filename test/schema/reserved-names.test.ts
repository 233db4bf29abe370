import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

// Issue #12 item 4: a catalog cannot break the schema.
let rsv: TestDatabase;
let other: TestDatabase;
let gw: TestGateway;

beforeAll(async () => {
  [rsv, other] = await Promise.all([createTestDatabase('rsv'), createTestDatabase('rsvother')]);
  await rsv.sql('CREATE TABLE seed (id int PRIMARY KEY)');
  await other.sql("CREATE TABLE seed (id int PRIMARY KEY); INSERT INTO seed VALUES (7)");
  gw = await startTestGateway({ databases: [{ name: 'rsv', url: rsv.url }, { name: 'other', url: other.url }] });
});

afterAll(async () => {
  await gw?.stop();
  await Promise.all([rsv?.drop(), other?.drop()]);
});

async function ddl(sql: string) {
  const { body } = await gw.graphql('mutation($sql: String!) { executeDDL(database: "rsv", sql: $sql) { statements } }', { sql });
  expect(body.errors).toBeUndefined();
}

async function data(query: string, variables?: Record<string, unknown>) {
  const { status, body } = await gw.graphql(query, variables);
  expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
  expect(status).toBe(200);
  return body.data;
}

async function databaseError(name: string): Promise<string | null> {
  const { databases } = await data('{ databases { name error } }');
  return databases.find((d: { name: string }) => d.name === name).error;
}

describe('reserved names are mapped, never passed through', () => {
  it('a table named __typename with a constraint __k and a column __x comes out as typename, _k and x, and every namespace keeps working', async () => {
    await ddl('CREATE TABLE "__typename" ("__x" int PRIMARY KEY, code text CONSTRAINT "__k" UNIQUE)');
    expect(await data('{ other { seed { id } } }')).toEqual({ other: { seed: [{ id: 7 }] } });
    const inserted = await data(`mutation {
      rsv { insertTypename(objects: [{ x: 1, code: "a" }], onConflict: { constraint: _k, update: [x] }) { x code } }
    }`);
    expect(inserted.rsv.insertTypename).toEqual([{ x: 1, code: 'a' }]);
    const again = await data(`mutation {
      rsv { insertTypename(objects: [{ x: 2, code: "a" }], onConflict: { constraint: _k, update: [x] }) { x code } }
    }`);
    expect(again.rsv.insertTypename).toEqual([{ x: 2, code: 'a' }]);
    expect(await data('{ rsv { typename { x code } typenameByPk(x: 2) { code } } }')).toEqual({ rsv: { typename: [{ x: 2, code: 'a' }], typenameByPk: { code: 'a' } } });
    // The primary key constraint "__typename_pkey" is an enum value too.
    const values = await data('{ __type(name: "Rsv_TypenameConstraint") { enumValues { name } } }');
    expect(values.__type.enumValues.map((v: { name: string }) => v.name).sort()).toEqual(['_k', '_typename_pkey']);
    expect(await databaseError('rsv')).toBeNull();
  });

  it('a mapped name that meets an existing one is suffixed, not merged: "__q" next to "_q"', async () => {
    await ddl('CREATE TABLE pair (id int PRIMARY KEY, a text CONSTRAINT "_q" UNIQUE, b text CONSTRAINT "__q" UNIQUE)');
    const values = await data('{ __type(name: "Rsv_PairConstraint") { enumValues { name description } } }');
    expect(values.__type.enumValues.map((v: { name: string }) => v.name).sort()).toEqual(['_q', '_q___q', 'pair_pkey']);
  });

  it('columns named and, or, not are filterable as and_, or_, not_, next to the operators of the same names', async () => {
    await ddl('CREATE TABLE logic ("and" int, "or" int, "not" int, id int PRIMARY KEY); INSERT INTO logic VALUES (1, 2, 3, 1), (4, 5, 6, 2)');
    const found = await data(`{ rsv {
      byNot: logic(where: { not_: { eq: 3 } }) { id }
      byAll: logic(where: { and: [{ and_: { eq: 4 } }, { or_: { eq: 5 } }], not: { not_: { eq: 3 } } }) { id and_ or_ not_ }
      ordered: logic(orderBy: [{ not_: DESC }]) { id }
    } }`);
    expect(found.rsv).toEqual({ byNot: [{ id: 1 }], byAll: [{ id: 2, and_: 4, or_: 5, not_: 6 }], ordered: [{ id: 2 }, { id: 1 }] });
    const updated = await data('mutation { rsv { updateLogic(where: { not_: { eq: 6 } }, set: { not_: 60 }) { not_ } } }');
    expect(updated.rsv.updateLogic).toEqual([{ not_: 60 }]);
  });

  it('columns named true, false, null are true_, false_, null_, also as values of the onConflict column enum', async () => {
    await ddl('CREATE TABLE words (id int PRIMARY KEY, "true" boolean, "null" text)');
    const upserted = await data(`mutation { rsv {
      a: insertWords(objects: [{ id: 1, true_: true, null_: "x" }]) { id }
      b: insertWords(objects: [{ id: 1, true_: false, null_: "y" }], onConflict: { constraint: words_pkey, update: [true_, null_] }) { true_ null_ }
    } }`);
    expect(upserted.rsv.b).toEqual([{ true_: false, null_: 'y' }]);
    expect(await databaseError('rsv')).toBeNull();
  });
});

describe('catalogs GraphQL has no word for', () => {
  it('an enum without labels (Postgres allows it, GraphQL does not) makes its columns strings instead of breaking the schema', async () => {
    await ddl('CREATE TYPE nothing AS ENUM (); CREATE TABLE hollow (id int PRIMARY KEY, e nothing)');
    expect(await databaseError('rsv')).toBeNull();
    const { __type } = await data('{ __type(name: "Rsv_Hollow") { fields { name type { name ofType { name } } } } }');
    expect(__type.fields.find((f: { name: string }) => f.name === 'e').type.name).toBe('String');
    expect(await data('{ rsv { hollow { id e } } other { seed { id } } }')).toEqual({ rsv: { hollow: [] }, other: { seed: [{ id: 7 }] } });
  });
});
