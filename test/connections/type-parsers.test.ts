import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveDatabase, databaseSchema } from '../../src/config/index.js';
import type { Connection } from '../../src/connections/index.js';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.js';

// STYLE.md "No side effects on import": type parsers are set per client, so the gateway neither
// changes pg's global parsers nor depends on them.

describe('type parsers', () => {
  let db: TestDatabase;
  let connection: Connection;
  // Taken before the connections layer is loaded (below, with a dynamic import).
  const globalInt8 = pg.types.getTypeParser(pg.types.builtins.INT8, 'text');

  beforeAll(async () => {
    const { Connection } = await import('../../src/connections/index.js');
    db = await createTestDatabase('type_parsers', 'a');
    connection = new Connection(resolveDatabase(databaseSchema.parse({ name: 'tp', url: db.url }), 0, process.cwd()));
  });

  afterAll(async () => {
    pg.types.setTypeParser(pg.types.builtins.INT8, globalInt8);
    await connection?.close();
    await db?.drop();
  });

  it('importing the connections layer leaves pg\'s global int8 parser as it was', () => {
    expect(pg.types.getTypeParser(pg.types.builtins.INT8, 'text')).toBe(globalInt8);
  });

  it('int8 stays an exact string even when the embedding application parses int8 as numbers globally', async () => {
    pg.types.setTypeParser(pg.types.builtins.INT8, (v: string) => Number(v));
    const { rows } = await connection.query('SELECT 9007199254740993::int8 AS big, 1.10::numeric AS exact');
    expect(rows).toEqual([{ big: '9007199254740993', exact: '1.10' }]);
    const app = new pg.Client({ connectionString: db.url });
    await app.connect();
    try {
      expect((await app.query('SELECT 5::int8 AS n')).rows).toEqual([{ n: 5 }]);
    } finally {
      await app.end();
    }
  });
});
