import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

let alpha: TestDatabase;
let beta: TestDatabase;
let gw: TestGateway;
let ws: Client;

function migrationsDir(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'switchyard-mig-'));
  for (const [name, sql] of Object.entries(files)) writeFileSync(path.join(dir, name), sql);
  return dir;
}

beforeAll(async () => {
  [alpha, beta] = await Promise.all([createTestDatabase('alpha'), createTestDatabase('beta', 'b')]);
  await alpha.sql('CREATE TABLE seed (id int PRIMARY KEY)');
  await beta.sql('CREATE TABLE seed (id int PRIMARY KEY)');
  const up = (sql: string) => `-- Up Migration\n${sql}\n-- Down Migration\nSELECT 1;\n`;
  gw = await startTestGateway({
    databases: [
      { name: 'alpha', url: alpha.url, migrationsDir: migrationsDir({ '001_a.sql': up('CREATE TABLE a1 (id int);'), '002_b.sql': up('CREATE TABLE a2 (id int);') }) },
      {
        name: 'beta',
        url: beta.url,
        migrationsDir: migrationsDir({
          '001_a.sql': up('CREATE TABLE b1 (id int);'),
          '002_bad.sql': up('CREATE TABLE b2 (id int); INSERT INTO no_such_table VALUES (1);'),
          '003_c.sql': up('CREATE TABLE b3 (id int);'),
        }),
      },
      { name: 'frozen', url: alpha.url, readOnly: true },
      { name: 'pooled', url: beta.url, mode: 'transaction' },
    ],
    probeIntervalMs: 60_000,
  });
  ws = createClient({ url: gw.url.replace('http', 'ws') + '/graphql', webSocketImpl: WebSocket, retryAttempts: 0 });
});

afterAll(async () => {
  await ws?.dispose();
  await gw?.stop();
  await Promise.all([alpha?.drop(), beta?.drop()]);
});

async function ok(query: string, variables?: Record<string, unknown>) {
  const { body } = await gw.graphql(query, variables);
  expect(body.errors).toBeUndefined();
  return body.data;
}

function collect(query: string, variables: Record<string, unknown>): Promise<any[]> {
  const events: any[] = [];
  return new Promise((resolve, reject) => {
    ws.subscribe({ query, variables }, { next: (r) => (r.errors ? reject(new Error(JSON.stringify(r.errors))) : events.push(r.data)), error: reject, complete: () => resolve(events) });
  });
}

describe('executeDDL and createTable', () => {
  it('a table created by one request is queryable by the next, without a restart', async () => {
    const result = await ok(`mutation { executeDDL(database: "alpha", sql: "CREATE TABLE notes (id serial PRIMARY KEY, body text NOT NULL); INSERT INTO notes (body) VALUES ('hi');") { statements dryRun } }`);
    expect(result.executeDDL).toEqual({ statements: 2, dryRun: false });
    expect(await ok(`{ alpha { notes { id body } } }`)).toEqual({ alpha: { notes: [{ id: 1, body: 'hi' }] } });
  });

  it('a failing script rolls everything back and reports the line of the error', async () => {
    const { body } = await gw.graphql(`mutation($sql: String!) { executeDDL(database: "alpha", sql: $sql) { statements } }`, {
      sql: 'CREATE TABLE rolled_back (id int);\nALTER TABLE missing ADD COLUMN x int;',
    });
    expect(body.errors![0].extensions).toMatchObject({ code: 'DDL_FAILED', line: 2 });
    expect(await alpha.sql(`SELECT to_regclass('rolled_back') AS t`)).toEqual([{ t: null }]);
  });

  it('dryRun executes and rolls back', async () => {
    const result = await ok(`mutation { executeDDL(database: "alpha", sql: "CREATE TABLE dry (id int)", dryRun: true) { dryRun } }`);
    expect(result.executeDDL.dryRun).toBe(true);
    expect(await alpha.sql(`SELECT to_regclass('dry') AS t`)).toEqual([{ t: null }]);
  });

  it('is refused on read-only databases and on transaction-mode poolers, with a hint', async () => {
    const ro = await gw.graphql(`mutation { executeDDL(database: "frozen", sql: "CREATE TABLE x (id int)") { statements } }`);
    expect(ro.body.errors![0].extensions?.code).toBe('READ_ONLY');
    const pooled = await gw.graphql(`mutation { executeDDL(database: "pooled", sql: "CREATE TABLE x (id int)") { statements } }`);
    expect(pooled.body.errors![0].extensions?.code).toBe('TRANSACTION_POOLER');
    expect(pooled.body.errors![0].extensions?.hint).toMatch(/5432/);
  });

  it('createTable builds quoted, type-checked DDL and refuses injection', async () => {
    const created = await ok(`mutation {
      createTable(database: "alpha", input: { name: "tasks", columns: [
        { name: "id", type: "bigserial", primaryKey: true },
        { name: "title", type: "varchar(80)", nullable: false },
        { name: "done", type: "boolean", default: false },
        { name: "created_at", type: "timestamptz", defaultFunction: NOW }
      ] }) { sql }
    }`);
    expect(created.createTable.sql).toMatch(/CREATE TABLE "tasks"/);
    await ok(`mutation { alpha { insertTasks(objects: [{ title: "write tests" }]) { id done } } }`);
    expect(await ok(`{ alpha { tasks { title done } } }`)).toEqual({ alpha: { tasks: [{ title: 'write tests', done: false }] } });
    const bad = await gw.graphql(`mutation { createTable(database: "alpha", input: { name: "t2", columns: [{ name: "x", type: "int); DROP TABLE seed; --" }] }) { sql } }`);
    expect(bad.body.errors![0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(await alpha.sql(`SELECT to_regclass('seed') IS NOT NULL AS present`)).toEqual([{ present: true }]);
  });
});

describe('migrations over GraphQL and graphql-ws', () => {
  it('a run over two databases streams its events in order; the failing database stays at its last good migration', async () => {
    const started = await ok(`mutation { runMigrations(databases: ["alpha", "beta"]) { id status } }`);
    const runId = started.runMigrations.id;
    const events = await collect(
      `subscription($id: ID!) { migrationProgress(runId: $id) { type seq database name index total error status } }`,
      { id: runId },
    );
    // Run and migration events; statement events are covered by test/ops/statement-progress.test.ts.
    const types = events.filter((e) => !e.migrationProgress.type.startsWith('STATEMENT_')).map((e) => `${e.migrationProgress.type}${e.migrationProgress.name ? ':' + e.migrationProgress.database + '/' + e.migrationProgress.name : ''}`);
    expect(types).toEqual([
      'RUN_STARTED',
      'MIGRATION_STARTED:alpha/001_a', 'MIGRATION_APPLIED:alpha/001_a',
      'MIGRATION_STARTED:alpha/002_b', 'MIGRATION_APPLIED:alpha/002_b',
      'MIGRATION_STARTED:beta/001_a', 'MIGRATION_APPLIED:beta/001_a',
      'MIGRATION_STARTED:beta/002_bad', 'MIGRATION_FAILED:beta/002_bad',
      'RUN_FINISHED',
    ]);
    expect(events.map((e) => e.migrationProgress.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.at(-1).migrationProgress.status).toBe('FAILED');
    expect(events.find((e) => e.migrationProgress.type === 'MIGRATION_FAILED').migrationProgress.error).toMatch(/no_such_table/);
    const status = await ok(`{ a: migrationStatus(database: "alpha") { applied { name } pending { name } } b: migrationStatus(database: "beta") { applied { name } pending { name } } }`);
    expect(status.a).toEqual({ applied: [{ name: '001_a' }, { name: '002_b' }], pending: [] });
    expect(status.b).toEqual({ applied: [{ name: '001_a' }], pending: [{ name: '002_bad' }, { name: '003_c' }] });
    expect(await beta.sql(`SELECT to_regclass('b2') AS t`)).toEqual([{ t: null }]);
    // The schema was swapped after the run: the new tables are queryable.
    expect(await ok(`{ alpha { a2 { id } } beta { b1 { id } } }`)).toEqual({ alpha: { a2: [] }, beta: { b1: [] } });

    const late = await collect(`subscription($id: ID!) { migrationProgress(runId: $id) { seq } }`, { id: runId });
    expect(late).toHaveLength(events.length);
    const runs = await ok(`{ migrationRuns(database: "beta", limit: 5) { id status error } }`);
    expect(runs.migrationRuns[0]).toMatchObject({ id: runId, status: 'FAILED' });
  });
});
