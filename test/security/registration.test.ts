import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { createDemoDatabases, type DemoDatabases } from '../helpers/demo.js';
import type { TestGateway } from '../helpers/gateway.js';
import { createLoginRole, leakedSecrets, newSecretKey, roleUrl, startSecureGateway, type LoginRole } from './security-helpers.js';

// `engineer` comes from the config file; `app` is registered at run time, logging in as a role
// whose password is distinctive enough to search for.
let demo: DemoDatabases;
let control: TestDatabase;
let role: LoginRole;
let gw: TestGateway;
const secretKey = newSecretKey();
const rotatedPassword = `Pw-rotated-${Math.random().toString(36).slice(2)}`;

const doc = () => ({ databases: [demo.databases[0]], control: { url: control.url } });

const projectRelationship = {
  name: 'project',
  type: 'OBJECT',
  from: { database: 'engineer', table: 'strategic_directives_v2', columns: ['app_project_id'] },
  to: { database: 'app', table: 'projects', columns: ['id'] },
};

beforeAll(async () => {
  [demo, control] = await Promise.all([createDemoDatabases(), createTestDatabase('control')]);
  role = await createLoginRole(demo.app, 'reg');
  gw = await startSecureGateway(doc(), { secretKey });
});

afterAll(async () => {
  await gw?.stop();
  await Promise.all([demo?.drop(), control?.drop()]);
  await role?.drop();
});

async function ok(query: string, variables?: Record<string, unknown>) {
  const { body } = await gw.graphql(query, variables);
  expect(body.errors).toBeUndefined();
  return body.data;
}

const REGISTER = `mutation($input: RegisterDatabaseInput!) { registerDatabase(input: $input) { name purpose status tables } }`;
const storedRows = () => control.sql<{ name: string; purpose: string; sealed_config: string }>('SELECT name, purpose, sealed_config FROM switchyard.databases ORDER BY name');

describe('registerDatabase', () => {
  it('tests the connection, adds the namespace without a restart and stores the credentials sealed', async () => {
    const data = await ok(REGISTER, { input: { name: 'app', url: role.url, purpose: 'projects and users' } });
    expect(data.registerDatabase).toEqual({ name: 'app', purpose: 'projects and users', status: 'UP', tables: 2 });

    expect(await ok(`{ app { projects(orderBy: [{ id: ASC }]) { id name } } }`)).toEqual({
      app: { projects: [{ id: 1, name: 'Switchyard console' }, { id: 2, name: 'Mobile app' }] },
    });

    const rows = await storedRows();
    expect(rows.map((r) => [r.name, r.purpose])).toEqual([['app', 'projects and users']]);
    expect(rows[0].sealed_config).toMatch(/^v1\./);
    expect(leakedSecrets(JSON.stringify(rows), [role.password, role.user])).toEqual([]);
  });

  it('refuses a name that the config file already uses, and stores nothing', async () => {
    const { body } = await gw.graphql(REGISTER, { input: { name: 'engineer', url: role.url } });
    expect(body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', database: 'engineer' });
    expect(body.errors![0].message).toMatch(/"engineer" is already registered/);
    expect((await storedRows()).map((r) => r.name)).toEqual(['app']);
  });

  it('refuses migrationsDir through the API when no migrationsRoot is configured, and stores nothing', async () => {
    const { body } = await gw.graphql(REGISTER, { input: { name: 'withdir', url: role.url, migrationsDir: '/tmp' } });
    expect(body.errors![0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', hint: 'set migrationsRoot in the config file, or leave migrationsDir out' } });
    expect((await storedRows()).map((r) => r.name)).toEqual(['app']);
  });

  it('refuses a name whose GraphQL type names would clash with a registered database', async () => {
    const { body } = await gw.graphql(REGISTER, { input: { name: 'engineer_', url: role.url } });
    expect(body.errors![0].message).toMatch(/"engineer_" would share GraphQL type names with "engineer"/);
    expect((await storedRows()).map((r) => r.name)).toEqual(['app']);
  });

  it('a wrong password is refused with a hint, without echoing the password, and nothing is stored', async () => {
    const wrong = `Pw-wrong-${Math.random().toString(36).slice(2)}`;
    const { body } = await gw.graphql(REGISTER, { input: { name: 'wrongpw', url: roleUrl(demo.app, role.user, wrong) } });
    const [error] = body.errors!;
    expect(error.extensions).toMatchObject({ code: 'DB_UNAVAILABLE', database: 'wrongpw' });
    expect(error.message).toMatch(/\[registry:wrongpw\] cannot connect: .*password authentication failed/);
    expect(error.extensions!.hint).toBe(`check the password of user "${role.user}"`);
    expect(leakedSecrets(JSON.stringify(body), [wrong])).toEqual([]);
    expect((await storedRows()).map((r) => r.name)).toEqual(['app']);
    expect((await ok(`{ databases { name } }`)).databases.map((d: { name: string }) => d.name).sort()).toEqual(['app', 'engineer']);
  });
});

describe('relationships at run time', () => {
  it('defineRelationship adds a cross-database field without a restart', async () => {
    const before = await gw.graphql(`{ engineer { strategicDirectivesV2 { project { name } } } }`);
    expect(before.body.errors![0].message).toMatch(/Cannot query field "project"/);

    await ok(`mutation($input: RelationshipInput!) { defineRelationship(input: $input) { name type } }`, { input: projectRelationship });
    expect(await ok(`{ engineer { strategicDirectivesV2(orderBy: [{ id: ASC }]) { id project { name } } } }`)).toEqual({
      engineer: {
        strategicDirectivesV2: [
          { id: 'SD-001', project: { name: 'Switchyard console' } },
          { id: 'SD-002', project: { name: 'Switchyard console' } },
          { id: 'SD-003', project: { name: 'Mobile app' } },
        ],
      },
    });
  });
});

describe('restart', () => {
  it('a new gateway on the same control database and key brings back the registered database and relationship', async () => {
    await gw.stop();
    gw = await startSecureGateway(doc(), { secretKey });
    expect(await ok(`{ databases { name status } }`)).toEqual({
      databases: expect.arrayContaining([{ name: 'app', status: 'UP' }, { name: 'engineer', status: 'UP' }]),
    });
    expect(await ok(`{ engineer { strategicDirectivesV2ByPk(id: "SD-003") { project { id name } } } }`)).toEqual({
      engineer: { strategicDirectivesV2ByPk: { project: { id: 2, name: 'Mobile app' } } },
    });
  });
});

describe('changes after registration', () => {
  it('dropRelationship removes the field without a restart', async () => {
    expect(await ok(`mutation { dropRelationship(database: "engineer", name: "project") }`)).toEqual({ dropRelationship: true });
    const { body } = await gw.graphql(`{ engineer { strategicDirectivesV2 { project { name } } } }`);
    expect(body.errors![0].message).toMatch(/Cannot query field "project"/);
    expect(await control.sql('SELECT name FROM switchyard.relationships')).toEqual([]);
  });

  it('updateDatabase takes a rotated password and a new purpose', async () => {
    await role.setPassword(rotatedPassword);
    const rotatedUrl = roleUrl(demo.app, role.user, rotatedPassword);
    const data = await ok(
      `mutation($input: RegisterDatabaseInput!) { updateDatabase(input: $input) { name purpose status } }`,
      { input: { name: 'app', url: rotatedUrl, purpose: 'customer projects' } },
    );
    expect(data.updateDatabase).toEqual({ name: 'app', purpose: 'customer projects', status: 'UP' });
    expect(await ok(`{ app { projectsByPk(id: 2) { name } } }`)).toEqual({ app: { projectsByPk: { name: 'Mobile app' } } });
    const rows = await storedRows();
    expect(rows.map((r) => r.purpose)).toEqual(['customer projects']);
    expect(leakedSecrets(JSON.stringify(rows), [rotatedPassword, role.password])).toEqual([]);
  });

  it('executeDDL is audited with its outcome, success or failure', async () => {
    await ok(`mutation { executeDDL(database: "app", sql: "CREATE TABLE notes (id serial PRIMARY KEY)") { statements } }`);
    const failed = await gw.graphql(`mutation { executeDDL(database: "app", sql: "ALTER TABLE missing ADD COLUMN x int") { statements } }`);
    expect(failed.body.errors![0].extensions?.code).toBe('DDL_FAILED');
    const { auditLog } = await ok(`{ auditLog(database: "app", limit: 2) { actor action database summary outcome } }`);
    expect(auditLog).toEqual([
      { actor: 'anonymous', action: 'DDL', database: 'app', summary: expect.stringMatching(/^ALTER TABLE missing ADD COLUMN x int → .*"missing" does not exist/), outcome: 'FAILED' },
      { actor: 'anonymous', action: 'DDL', database: 'app', summary: 'CREATE TABLE notes (id serial PRIMARY KEY)', outcome: 'OK' },
    ]);
  });

  it('unregisterDatabase removes the namespace and the stored entry; every change is in the audit log', async () => {
    expect(await ok(`mutation { unregisterDatabase(name: "app") }`)).toEqual({ unregisterDatabase: true });
    const { body } = await gw.graphql(`{ app { projects { id } } }`);
    expect(body.errors![0].message).toMatch(/Cannot query field "app"/);
    expect(await storedRows()).toEqual([]);

    const { auditLog } = await ok(`{ auditLog(limit: 50) { action database outcome } }`);
    expect(auditLog.map((e: { action: string; database: string | null; outcome: string }) => `${e.action} ${e.database} ${e.outcome}`).reverse()).toEqual([
      'REGISTER_DATABASE app OK',
      'REGISTER_DATABASE engineer FAILED',
      'REGISTER_DATABASE withdir FAILED',
      'REGISTER_DATABASE engineer_ FAILED',
      'REGISTER_DATABASE wrongpw FAILED',
      'DEFINE_RELATIONSHIP engineer OK',
      'DROP_RELATIONSHIP engineer OK',
      'UPDATE_DATABASE app OK',
      'DDL app OK',
      'DDL app FAILED',
      'UNREGISTER_DATABASE app OK',
    ]);
    const audited = await control.sql('SELECT * FROM switchyard.audit_log');
    expect(leakedSecrets(JSON.stringify(audited), [role.password, rotatedPassword])).toEqual([]);
  });

  it('a config database cannot be unregistered at run time', async () => {
    const { body } = await gw.graphql(`mutation { unregisterDatabase(name: "engineer") }`);
    expect(body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', database: 'engineer', hint: 'change it in the config file' });
    expect((await ok(`{ engineer { strategicDirectivesV2ByPk(id: "SD-001") { id } } }`)).engineer.strategicDirectivesV2ByPk).toEqual({ id: 'SD-001' });
  });
});
