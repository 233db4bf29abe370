import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { createDemoDatabases, type DemoDatabases } from '../helpers/demo.js';
import type { TestGateway } from '../helpers/gateway.js';
import { newSecretKey, startSecureGateway } from '../security/security-helpers.js';

// `engineer` comes from the config file (plus a read-only alias of it); others are registered at run time.
let demo: DemoDatabases;
let control: TestDatabase;
let broken: TestDatabase;
let gw: TestGateway;
const root = mkdtempSync(path.join(tmpdir(), 'switchyard-root-'));
const outside = mkdtempSync(path.join(tmpdir(), 'switchyard-outside-'));

beforeAll(async () => {
  [demo, control, broken] = await Promise.all([createDemoDatabases(), createTestDatabase('control'), createTestDatabase('broken')]);
  await broken.sql('CREATE TABLE nothing_here ()');
  mkdirSync(path.join(root, 'app'));
  writeFileSync(path.join(root, 'app', '1800000000000_extra.sql'), '-- Up Migration\nSELECT 1;\n-- Down Migration\nSELECT 1;\n');
  symlinkSync(outside, path.join(root, 'escape'));
  gw = await startSecureGateway({
    databases: [demo.databases[0], { name: 'frozen', url: demo.app.url, readOnly: true }],
    control: { url: control.url },
    migrationsRoot: root,
  }, { secretKey: newSecretKey() });
});

afterAll(async () => {
  await gw?.stop();
  await Promise.all([demo?.drop(), control?.drop(), broken?.drop()]);
});

const REGISTER = `mutation($input: RegisterDatabaseInput!) { registerDatabase(input: $input) { name } }`;
const DEFINE = `mutation($input: RelationshipInput!) { defineRelationship(input: $input) { name } }`;
const storedDatabases = async () => (await control.sql<{ name: string }>('SELECT name FROM switchyard.databases ORDER BY name')).map((r) => r.name);
const storedRelationships = async () => (await control.sql<{ name: string }>('SELECT name FROM switchyard.relationships ORDER BY name')).map((r) => r.name);
const relationship = (name: string, to = 'app') => ({
  name,
  type: 'OBJECT',
  from: { database: 'engineer', table: 'strategic_directives_v2', columns: ['app_project_id'] },
  to: { database: to, table: 'projects', columns: ['id'] },
});

async function ok(query: string, variables?: Record<string, unknown>) {
  const { body } = await gw.graphql(query, variables);
  expect(body.errors).toBeUndefined();
  return body.data;
}

describe('registration that would break the schema', () => {
  it('a database whose catalog breaks the schema build is refused, never stored, and the schema keeps working', async () => {
    const { body } = await gw.graphql(REGISTER, { input: { name: 'broken', url: broken.url } });
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', database: 'broken' });
    expect(body.errors![0].message).toMatch(/^\[registry:broken\] the schema does not build with this database: .*Broken_NothingHere/);
    expect(await storedDatabases()).toEqual([]);
    expect((await ok(`{ databases { name } }`)).databases.map((d: { name: string }) => d.name)).toEqual(['engineer', 'frozen']);
  });
});

describe('names', () => {
  it('a relationship name starting with __ is refused and not stored', async () => {
    for (const name of ['__typename', '__x']) {
      const { body } = await gw.graphql(DEFINE, { input: relationship(name) });
      expect(body.errors![0].extensions?.code).toBe('BAD_USER_INPUT');
      expect(body.errors![0].message).toMatch(/does not start with __/);
    }
    expect(await storedRelationships()).toEqual([]);
  });

  it('a database name starting with __, or taken by an admin field, is refused and not stored', async () => {
    for (const name of ['__schema', 'auditLog', 'createApiKey']) {
      const { body } = await gw.graphql(REGISTER, { input: { name, url: demo.app.url } });
      expect(body.errors![0].extensions?.code).toBe('BAD_USER_INPUT');
    }
    expect(await storedDatabases()).toEqual([]);
    expect((await ok(`{ auditLog(limit: 1) { action } }`)).auditLog).toHaveLength(1);
  });
});

describe('migrationsDir through the API', () => {
  it('a directory outside migrationsRoot is refused: a relative escape, an absolute path, a symlink out', async () => {
    for (const dir of ['../../etc', outside, 'escape', path.join(root, 'app', '..', '..')]) {
      const { body } = await gw.graphql(REGISTER, { input: { name: 'app', url: demo.app.url, migrationsDir: dir } });
      expect(body.errors![0]).toMatchObject({ message: '[registry:app] migrationsDir must lie under migrationsRoot', extensions: { code: 'BAD_USER_INPUT' } });
    }
    expect(await storedDatabases()).toEqual([]);
  });

  it('a directory under migrationsRoot (relative to it) is accepted and migrations are read from there', async () => {
    await ok(REGISTER, { input: { name: 'app', url: demo.app.url, migrationsDir: 'app' } });
    const status = await ok(`{ migrationStatus(database: "app") { pending { name } } }`);
    expect(status.migrationStatus.pending).toEqual([{ name: '1800000000000_extra' }]);
    expect(await storedDatabases()).toEqual(['app']);
  });
});

describe('read-only databases', () => {
  it('crossDatabaseQuery runs a read-only database’s statement in a READ ONLY transaction', async () => {
    const before = await demo.app.sql('SELECT count(*)::int AS n FROM projects');
    await expect(gw.gateway.crossDatabaseQuery({ frozen: { sql: 'DELETE FROM projects' } })).rejects.toThrow(/read-only transaction/);
    expect(await demo.app.sql('SELECT count(*)::int AS n FROM projects')).toEqual(before);
    const rows = await gw.gateway.crossDatabaseQuery({ frozen: { sql: 'SELECT count(*)::int AS n FROM projects' }, engineer: { sql: 'SELECT 1 AS one' } });
    expect(rows).toEqual({ frozen: before, engineer: [{ one: 1 }] });
  });
});

describe('the audit log', () => {
  it('keeps DDL with PASSWORD literals redacted, whether the DDL succeeds or fails', async () => {
    const secret = `S3cret-${Date.now()}`;
    const role = `audit_role_${Date.now()}`;
    await ok(`mutation($sql: String!) { executeDDL(database: "engineer", sql: $sql, dryRun: true) { dryRun } }`, { sql: `CREATE ROLE ${role} LOGIN PASSWORD '${secret}'` });
    await gw.graphql(`mutation($sql: String!) { executeDDL(database: "engineer", sql: $sql) { dryRun } }`, { sql: `ALTER ROLE no_such_role_x ENCRYPTED PASSWORD '${secret}''quoted'` });
    await gw.graphql(`mutation($sql: String!) { executeDDL(database: "engineer", sql: $sql) { dryRun } }`, { sql: `ALTER ROLE no_such_role_y PASSWORD $pw$${secret}$pw$` });
    const rows = await control.sql<{ summary: string }>(`SELECT summary FROM switchyard.audit_log WHERE action LIKE 'DDL%' ORDER BY id DESC LIMIT 3`);
    expect(rows).toHaveLength(3);
    expect(JSON.stringify(rows)).not.toContain('S3cret');
    expect(rows.map((r) => r.summary)).toEqual([
      expect.stringMatching(/^ALTER ROLE no_such_role_y PASSWORD '\*\*\*' → /),
      expect.stringMatching(/^ALTER ROLE no_such_role_x ENCRYPTED PASSWORD '\*\*\*' → /),
      `CREATE ROLE ${role} LOGIN PASSWORD '***'`,
    ]);
  });
});

describe('unregisterDatabase', () => {
  it('drops the relationships that reach the database, here and in the control database', async () => {
    await ok(DEFINE, { input: relationship('project') });
    expect(await storedRelationships()).toEqual(['project']);
    expect(await ok(`mutation { unregisterDatabase(name: "app") }`)).toEqual({ unregisterDatabase: true });
    expect((await ok(`{ relationships { name } }`)).relationships).toEqual([]);
    expect(await storedRelationships()).toEqual([]);
    const { body } = await gw.graphql(`{ engineer { strategicDirectivesV2 { project { name } } } }`);
    expect(body.errors![0].message).toMatch(/Cannot query field "project"/);
    const [entry] = (await ok(`{ auditLog(database: "app", limit: 1) { action summary } }`)).auditLog;
    expect(entry).toEqual({ action: 'UNREGISTER_DATABASE', summary: 'app (relationships dropped: engineer.project)' });
  });

  it('after a restart the dropped relationship stays gone', async () => {
    await gw.stop();
    gw = await startSecureGateway({ databases: [demo.databases[0]], control: { url: control.url }, migrationsRoot: root }, { secretKey: newSecretKey() });
    expect((await ok(`{ relationships { name } }`)).relationships).toEqual([]);
  });
});
