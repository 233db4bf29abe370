import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeDDL, migrate } from '../../src/ops/index.js';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { connectionTo, rejection, sqlMigration, writeMigrations } from '../ops/ops-helpers.js';

let db: TestDatabase;
let gw: TestGateway;

beforeAll(async () => {
  db = await createTestDatabase('timeouts');
  await db.sql(`CREATE TABLE fast (id int PRIMARY KEY); INSERT INTO fast VALUES (1);
    CREATE FUNCTION nap() RETURNS int LANGUAGE sql AS 'SELECT 1 FROM pg_sleep(2)';
    CREATE VIEW slow AS SELECT nap() AS id;`);
  gw = await startTestGateway({
    databases: [
      { name: 'plain', url: db.url },
      { name: 'hasty', url: db.url, statementTimeoutMs: 200 },
    ],
    probeIntervalMs: 60_000,
  });
});

afterAll(async () => {
  await gw?.stop();
  await db?.drop();
});

describe('statement timeouts', () => {
  it('every data pool has a 30 s statement_timeout unless the database entry says otherwise', async () => {
    const rows = await gw.gateway.crossDatabaseQuery({ plain: { sql: 'SHOW statement_timeout' }, hasty: { sql: 'SHOW statement_timeout' } });
    expect(rows).toEqual({ plain: [{ statement_timeout: '30s' }], hasty: [{ statement_timeout: '200ms' }] });
  });

  it('a query that outlasts statementTimeoutMs is cancelled and reported with SQLSTATE 57014; the next query runs', async () => {
    const { body } = await gw.graphql(`{ hasty { slow { id } } }`);
    expect(body.errors?.[0]).toMatchObject({ extensions: { code: 'DB_ERROR', database: 'hasty', sqlState: '57014' } });
    expect((await gw.graphql(`{ hasty { fast { id } } }`)).body).toEqual({ data: { hasty: { fast: [{ id: 1 }] } } });
  });

  it('DDL statements have their own timeout (ddlStatementTimeoutMs, default 5 min)', async () => {
    const defaults = connectionTo(db);
    expect(defaults.config).toMatchObject({ statementTimeoutMs: 30_000, ddlStatementTimeoutMs: 300_000, migrationStatementTimeoutMs: 1_800_000 });
    await defaults.close();
    const connection = connectionTo(db, { ddlStatementTimeoutMs: 200 });
    try {
      const error = await rejection(executeDDL(connection, 'CREATE TABLE napped AS SELECT nap() AS id'));
      expect(error.extensions).toMatchObject({ code: 'DDL_FAILED', sqlState: '57014' });
      expect(await db.sql("SELECT to_regclass('public.napped') AS t")).toEqual([{ t: null }]);
    } finally {
      await connection.close();
    }
  });

  it('migration statements have their own timeout (migrationStatementTimeoutMs, default 30 min)', async () => {
    const migrationsDir = await writeMigrations({ '001_nap.sql': sqlMigration('CREATE TABLE napped_m AS SELECT nap() AS id;', 'DROP TABLE napped_m;') });
    const connection = connectionTo(db, { migrationsDir, migrationStatementTimeoutMs: 200 });
    try {
      const error = await rejection(migrate(connection, { direction: 'up' }));
      expect(error.extensions).toMatchObject({ code: 'MIGRATION_FAILED', sqlState: '57014' });
    } finally {
      await connection.close();
    }
  });
});
