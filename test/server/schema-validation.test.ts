import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { ConnectionRegistry } from '../../src/connections/index.js';
import type { SchemaExtension } from '../../src/schema/index.js';
import { SchemaManager } from '../../src/server/index.js';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.js';

// Issue #12 item 4: a rebuilt schema is validated before it is swapped in. Naming maps every
// name it knows to be reserved, so this test stands in for a naming bug with an extension that
// gives a table a field GraphQL forbids (a name starting with "__") as soon as it is called "poison".
let good: TestDatabase;
let bad: TestDatabase;
let registry: ConnectionRegistry;
let schemas: SchemaManager;

const poisonous: SchemaExtension = (builder, databases) => {
  for (const refs of databases.values()) {
    for (const [table, r] of refs.tables) {
      if (table.table.name !== 'poison') continue;
      (builder as any).objectFields(r.object, (t: any) => ({ __forbidden: t.string({ resolve: () => 'x' }) }));
    }
  }
};

beforeAll(async () => {
  [good, bad] = await Promise.all([createTestDatabase('valgood'), createTestDatabase('valbad')]);
  await Promise.all([good.sql('CREATE TABLE one (id int)'), bad.sql('CREATE TABLE one (id int)')]);
  const config = parseConfig({ databases: [{ name: 'good', url: good.url }, { name: 'bad', url: bad.url }] }, {});
  registry = new ConnectionRegistry();
  await Promise.all(config.databases.map((d) => registry.add(d)));
  schemas = new SchemaManager(registry, () => [poisonous]);
  await schemas.reload();
});

afterAll(async () => {
  await registry?.close();
  await Promise.all([good?.drop(), bad?.drop()]);
});

const queryFields = (name: string) => Object.keys((schemas.schema.getType(`${name[0].toUpperCase()}${name.slice(1)}_Query`) as any)?.getFields() ?? {});

describe('validation before the swap', () => {
  it('a catalog whose schema fails validation is refused: its database keeps the last good catalog and says why; the others swap', async () => {
    const before = schemas.schema;
    await bad.sql('CREATE TABLE poison (id int); CREATE TABLE fine (id int)');
    await good.sql('CREATE TABLE two (id int)');
    const changed: string[][] = [];
    schemas.on('changed', (e) => changed.push(e.databases));
    await schemas.reload(['bad', 'good']);
    expect(schemas.schema).not.toBe(before);
    expect(queryFields('good')).toContain('two');
    expect(queryFields('bad')).toContain('one');
    expect(queryFields('bad')).not.toContain('fine');
    expect(schemas.state('bad')?.error).toMatch(/^\[schema:bad\] its new catalog was refused, serving the previous one: .*__forbidden.*Hint: /s);
    expect(schemas.state('good')?.error).toBeUndefined();
    expect(changed).toEqual([['bad', 'good']]);
  });

  it('a later rebuild for another database does not pick the refused catalog up again', async () => {
    await good.sql('CREATE TABLE three (id int)');
    await schemas.reload(['good']);
    expect(queryFields('good')).toContain('three');
    expect(queryFields('bad')).not.toContain('fine');
    expect(schemas.state('bad')?.error).toMatch(/refused/);
  });

  it('once the offending object is gone the next reload is accepted and the error clears', async () => {
    await bad.sql('DROP TABLE poison');
    await schemas.reload(['bad']);
    expect(queryFields('bad')).toContain('fine');
    expect(schemas.state('bad')?.error).toBeUndefined();
  });
});
