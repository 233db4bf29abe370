import { randomBytes, randomUUID } from 'node:crypto';
import { buildGatewaySchema } from '../../src/schema/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { createDemoDatabases, type DemoDatabases } from '../helpers/demo.js';
import { waitFor, type TestGateway } from '../helpers/gateway.js';
import { newSecretKey, startSecureGateway } from '../security/security-helpers.js';
import { bearer, outcomeOf, subscribe, wsClient, type Outcome } from './authz-helpers.js';

// Two databases, `engineer` (cluster a) and `app` (cluster b), joined by the `project` relationship.
// The limited identities hold grants on `engineer` only; operations in the walk aim at `app`.
const adminApiKey = `sy_${randomBytes(30).toString('base64url')}`;
let demo: DemoDatabases;
let control: TestDatabase;
let gw: TestGateway;

type Who = 'anonymous' | 'reader@engineer' | 'writer@engineer' | 'admin@engineer' | 'admin';
const WHO: Who[] = ['anonymous', 'reader@engineer', 'writer@engineer', 'admin@engineer', 'admin'];
const tokens: Partial<Record<Who, string>> = {};
let appRunId: string;
let victimKeyId: string;

async function as(who: Who, query: string, variables?: Record<string, unknown>) {
  const token = tokens[who];
  return gw.graphql(query, variables, token ? bearer(token) : {});
}

async function ok(who: Who, query: string, variables?: Record<string, unknown>) {
  const { body } = await as(who, query, variables);
  expect(body.errors).toBeUndefined();
  return body.data;
}

beforeAll(async () => {
  [demo, control] = await Promise.all([createDemoDatabases(), createTestDatabase('control')]);
  gw = await startSecureGateway(
    {
      databases: demo.databases,
      control: { url: control.url },
      auth: { adminApiKey },
      relationships: [{ name: 'project', type: 'object', from: { database: 'engineer', table: 'strategic_directives_v2', columns: ['app_project_id'] }, to: { database: 'app', table: 'projects', columns: ['id'] } }],
    },
    { anonymous: null, secretKey: newSecretKey() },
  );
  tokens.admin = adminApiKey;
  const { data } = (
    await gw.graphql(
      `mutation {
        r: createApiKey(label: "reader-eng", role: READER, databases: ["engineer"]) { key }
        w: createApiKey(label: "writer-eng", role: WRITER, databases: ["engineer"]) { key }
        a: createApiKey(label: "admin-eng", role: ADMIN, databases: ["engineer"]) { key }
        v: createApiKey(label: "victim", role: READER) { id }
        run: runMigrations(databases: ["app"], dryRun: true) { id }
      }`,
      undefined,
      bearer(adminApiKey),
    )
  ).body;
  tokens['reader@engineer'] = data.r.key;
  tokens['writer@engineer'] = data.w.key;
  tokens['admin@engineer'] = data.a.key;
  victimKeyId = data.v.id;
  appRunId = data.run.id;
  await waitFor(async () => (await ok('admin', `query($id: ID!) { migrationRun(id: $id) { status } }`, { id: appRunId })).migrationRun.status !== 'RUNNING');
});

afterAll(async () => {
  await gw?.stop();
  await Promise.all([demo?.drop(), control?.drop()]);
});

/**
 * One representative operation per root field, and who may run it: `role` is the least role,
 * `app` says the operation names the `app` database (so a grant limited to engineer is FORBIDDEN).
 * Listing operations without a database are allowed to limited callers and filtered (tested below).
 */
interface Case {
  role: 'reader' | 'writer' | 'admin';
  app: boolean;
  op: () => string;
}
const EXPECT: Record<string, Case> = {
  'Query.databases': { role: 'reader', app: false, op: () => `{ databases { name } }` },
  'Query.viewer': { role: 'reader', app: false, op: () => `{ viewer { role } }` },
  'Query.engineer': { role: 'reader', app: false, op: () => `{ engineer { strategicDirectivesV2(limit: 1) { id } } }` },
  'Query.app': { role: 'reader', app: true, op: () => `{ app { projects(limit: 1) { id } } }` },
  'Query.migrationStatus': { role: 'admin', app: true, op: () => `{ migrationStatus(database: "app") { database } }` },
  'Query.migrationRuns': { role: 'admin', app: false, op: () => `{ migrationRuns(limit: 1) { id } }` },
  'Query.migrationRun': { role: 'admin', app: false, op: () => `{ migrationRun(id: "${randomUUID()}") { id } }` },
  'Query.relationships': { role: 'admin', app: false, op: () => `{ relationships { name } }` },
  'Query.apiKeys': { role: 'admin', app: false, op: () => `{ apiKeys { id } }` },
  'Query.auditLog': { role: 'admin', app: true, op: () => `{ auditLog(database: "app", limit: 1) { action } }` },
  'Mutation.engineer': { role: 'writer', app: false, op: () => `mutation { engineer { updateStrategicDirectivesV2(where: { id: { eq: "none" } }, set: { title: "x" }) { id } } }` },
  'Mutation.app': { role: 'writer', app: true, op: () => `mutation { app { updateProjects(where: { id: { eq: -1 } }, set: { name: "x" }) { id } } }` },
  'Mutation.reloadCatalog': { role: 'admin', app: true, op: () => `mutation { reloadCatalog(database: "app") { name } }` },
  'Mutation.executeDDL': { role: 'admin', app: true, op: () => `mutation { executeDDL(database: "app", sql: "CREATE TABLE walk_dry (id int)", dryRun: true) { dryRun } }` },
  'Mutation.createTable': { role: 'admin', app: true, op: () => `mutation { createTable(database: "app", dryRun: true, input: { name: "walk_dry", columns: [{ name: "id", type: "int4" }] }) { dryRun } }` },
  'Mutation.installLiveNotify': { role: 'admin', app: true, op: () => `mutation { installLiveNotify(database: "app") { installed } }` },
  'Mutation.runMigrations': { role: 'admin', app: true, op: () => `mutation { runMigrations(databases: ["app"], dryRun: true) { id } }` },
  'Mutation.registerDatabase': { role: 'admin', app: true, op: () => `mutation { registerDatabase(input: { name: "app", url: "postgres://u:p@127.0.0.1:1/x" }) { name } }` },
  'Mutation.updateDatabase': { role: 'admin', app: true, op: () => `mutation { updateDatabase(input: { name: "app", url: "postgres://u:p@127.0.0.1:1/x" }) { name } }` },
  'Mutation.unregisterDatabase': { role: 'admin', app: true, op: () => `mutation { unregisterDatabase(name: "app") }` },
  'Mutation.defineRelationship': {
    role: 'admin',
    app: true,
    op: () => `mutation { defineRelationship(input: { name: "walk", type: OBJECT, from: { database: "engineer", table: "strategic_directives_v2", columns: ["app_project_id"] }, to: { database: "app", table: "projects", columns: ["no_such_column"] } }) { name } }`,
  },
  'Mutation.dropRelationship': { role: 'admin', app: true, op: () => `mutation { dropRelationship(database: "app", name: "no_such_relationship") }` },
  'Mutation.createApiKey': { role: 'admin', app: true, op: () => `mutation { createApiKey(label: "walk", role: READER, databases: ["app"]) { id } }` },
  // An unrestricted key: only an unrestricted admin may revoke it.
  'Mutation.revokeApiKey': { role: 'admin', app: true, op: () => `mutation { revokeApiKey(id: "${victimKeyId}") }` },
  'Subscription.schemaChanged': { role: 'reader', app: false, op: () => `subscription { schemaChanged { at } }` },
  'Subscription.databaseStatus': { role: 'reader', app: false, op: () => `subscription { databaseStatus { name status } }` },
  'Subscription.migrationProgress': { role: 'reader', app: true, op: () => `subscription { migrationProgress(runId: "${appRunId}") { type } }` },
  'Subscription.engineer': { role: 'reader', app: false, op: () => `subscription { engineer { strategicDirectivesV2(limit: 1) { id } } }` },
  'Subscription.app': { role: 'reader', app: true, op: () => `subscription { app { projects(limit: 1) { id } } }` },
};

function expected(who: Who, c: Case): Outcome {
  if (who === 'anonymous') return 'UNAUTHENTICATED';
  const role = who.split('@')[0] as Case['role'];
  const rank = { reader: 1, writer: 2, admin: 3 };
  if (rank[role] < rank[c.role]) return 'FORBIDDEN';
  return who.endsWith('@engineer') && c.app ? 'FORBIDDEN' : 'ok';
}

async function run(who: Who, field: string, c: Case): Promise<Outcome> {
  if (!field.startsWith('Subscription.')) return outcomeOf((await as(who, c.op())).body);
  const client = wsClient(gw, tokens[who]);
  const sub = subscribe(client, c.op());
  try {
    const first = await Promise.race([sub.done, waitFor(() => sub.results[0], 2000).catch(() => undefined), new Promise((r) => setTimeout(r, 400))]);
    return sub.results[0] ? outcomeOf(sub.results[0]) : first instanceof Error ? `invalid: ${first.message}` : 'ok';
  } finally {
    sub.stop();
    await client.dispose();
  }
}

describe('the authorization table', () => {
  it('every root, admin and subscription field has an expectation here (a new field fails until it gets one)', () => {
    const schema = gw.gateway.schemas.schema;
    const fields = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].flatMap((type) =>
      Object.keys(type?.getFields() ?? {}).map((name) => `${type!.name}.${name}`),
    );
    expect(fields.sort()).toEqual(Object.keys(EXPECT).sort());
  });

  it('a root field without an entry in the table fails the schema build', () => {
    expect(() => buildGatewaySchema({ models: [], extensions: [(builder) => builder.queryField('sneaky', (t) => t.string({ resolve: () => 'x' }))] })).toThrow(
      /Query\.sneaky has no entry in the authorization table/,
    );
  });

  // Runs last among the walks: revokeApiKey and createApiKey change keys that nothing else uses.
  for (const who of WHO) {
    it(`walks every field as ${who} and gets exactly what the table allows`, async () => {
      const got: Record<string, Outcome> = {};
      const want: Record<string, Outcome> = {};
      for (const [field, c] of Object.entries(EXPECT)) {
        want[field] = expected(who, c);
        got[field] = await run(who, field, c);
      }
      expect(got).toEqual(want);
    });
  }
});

describe('cross-database fields need the target database grant', () => {
  it('a reader limited to engineer gets FORBIDDEN at each project path and no statement runs on app', async () => {
    await demo.app.resetStatements();
    const { body } = await as('reader@engineer', `{ engineer { strategicDirectivesV2(orderBy: [{ id: ASC }], limit: 2) { id project { name } } } }`);
    expect(body.data).toEqual({ engineer: { strategicDirectivesV2: [{ id: 'SD-001', project: null }, { id: 'SD-002', project: null }] } });
    expect(body.errors!.map((e) => [e.path, e.extensions?.code])).toEqual([
      [['engineer', 'strategicDirectivesV2', 0, 'project'], 'FORBIDDEN'],
      [['engineer', 'strategicDirectivesV2', 1, 'project'], 'FORBIDDEN'],
    ]);
    expect(body.errors![0].message).toBe('no grant on database "app"');
    expect(await demo.app.statementCount()).toBe(0);
  });

  it("rows returned by a mutation need the target's grant for their cross-database fields; the write itself stands", async () => {
    await demo.app.resetStatements();
    const { body } = await as(
      'writer@engineer',
      `mutation { engineer { updateStrategicDirectivesV2ByPk(id: "SD-003", set: { description: "by writer" }) { id project { name } } } }`,
    );
    expect(body.data).toEqual({ engineer: { updateStrategicDirectivesV2ByPk: { id: 'SD-003', project: null } } });
    expect(body.errors!.map((e) => [e.path, e.extensions?.code])).toEqual([[['engineer', 'updateStrategicDirectivesV2ByPk', 'project'], 'FORBIDDEN']]);
    expect(await demo.app.statementCount()).toBe(0);
    expect(await demo.engineer.sql(`SELECT description FROM strategic_directives_v2 WHERE id = 'SD-003'`)).toEqual([{ description: 'by writer' }]);
  });

  it('an unrestricted reader still gets the project through the relationship', async () => {
    const { data } = (await gw.graphql(`mutation { createApiKey(label: "reader-all", role: READER) { key } }`, undefined, bearer(adminApiKey))).body;
    const { body } = await gw.graphql(`{ engineer { strategicDirectivesV2ByPk(id: "SD-003") { project { name } } } }`, undefined, bearer(data.createApiKey.key));
    expect(body).toEqual({ data: { engineer: { strategicDirectivesV2ByPk: { project: { name: 'Mobile app' } } } } });
  });

  it('there are no relation filters through a cross-database relationship: such a where is invalid and runs nothing', async () => {
    await Promise.all([demo.app.resetStatements(), demo.engineer.resetStatements()]);
    const { body } = await as('admin', `{ engineer { strategicDirectivesV2(where: { project: { name: { eq: "Mobile app" } } }) { id } } }`);
    expect(body.errors![0].message).toMatch(/"project" is not defined by type "Engineer_StrategicDirectivesV2Filter"/);
    expect(await demo.app.statementCount()).toBe(0);
    expect(await demo.engineer.statementCount()).toBe(0);
  });
});

describe('an admin limited to engineer acts only inside engineer', () => {
  it('createApiKey without databases gives a key limited to the caller’s databases, never more', async () => {
    const data = await ok('admin@engineer', `mutation { createApiKey(label: "made-by-limited", role: ADMIN) { key databases } }`);
    expect(data.createApiKey.databases).toEqual(['engineer']);
    const { body } = await gw.graphql(`{ app { projects { id } } }`, undefined, bearer(data.createApiKey.key));
    expect(body.errors![0].extensions).toMatchObject({ code: 'FORBIDDEN', database: 'app' });
    const [stored] = await control.sql(`SELECT databases FROM switchyard.api_keys WHERE label = 'made-by-limited'`);
    expect(stored.databases).toEqual(['engineer']);
  });

  it('createApiKey naming another database is FORBIDDEN and stores nothing', async () => {
    const { body } = await as('admin@engineer', `mutation { createApiKey(label: "escalate", role: ADMIN, databases: ["engineer", "app"]) { key } }`);
    expect(body.errors![0]).toMatchObject({ message: 'no grant on database "app"', extensions: { code: 'FORBIDDEN' } });
    expect(await control.sql(`SELECT 1 FROM switchyard.api_keys WHERE label = 'escalate'`)).toEqual([]);
  });

  it('runMigrations without databases runs on the caller’s databases only', async () => {
    const data = await ok('admin@engineer', `mutation { runMigrations(dryRun: true) { id databases } }`);
    expect(data.runMigrations.databases).toEqual(['engineer']);
    const finished = `query($id: ID!) { migrationRun(id: $id) { status } }`;
    await waitFor(async () => (await ok('admin', finished, { id: data.runMigrations.id })).migrationRun.status !== 'RUNNING');
    const all = await ok('admin', `mutation { runMigrations(dryRun: true) { databases } }`);
    expect(all.runMigrations.databases).toEqual(['engineer', 'app']);
  });

  it('lists show only what the caller may see: databases, relationships, keys, audit entries and runs', async () => {
    const limited = await ok(
      'admin@engineer',
      `query($run: ID!) { databases { name } relationships { name } apiKeys { label databases } auditLog(limit: 500) { database }
        migrationRuns(limit: 100) { databases } migrationRun(id: $run) { id } }`,
      { run: appRunId },
    );
    expect(limited.databases).toEqual([{ name: 'engineer' }]);
    expect(limited.relationships).toEqual([]);
    expect(limited.apiKeys.length).toBeGreaterThan(0);
    expect(limited.apiKeys.every((k: { databases: string[] | null }) => JSON.stringify(k.databases) === '["engineer"]')).toBe(true);
    expect(new Set(limited.auditLog.map((e: { database: string | null }) => e.database))).toEqual(new Set(['engineer']));
    expect(limited.migrationRuns.length).toBeGreaterThan(0);
    expect(limited.migrationRuns.every((r: { databases: string[] }) => r.databases.every((d) => d === 'engineer'))).toBe(true);
    expect(limited.migrationRun).toBeNull();

    const full = await ok('admin', `query($run: ID!) { relationships { name } apiKeys { label } auditLog(limit: 500) { database } migrationRun(id: $run) { id } }`, { run: appRunId });
    expect(full.relationships).toEqual([{ name: 'project' }]);
    expect(full.apiKeys.map((k: { label: string }) => k.label)).toContain('victim');
    expect(full.auditLog.map((e: { database: string | null }) => e.database)).toContain('app');
    expect(full.migrationRun).toEqual({ id: appRunId });
  });

  it('dropRelationship, replacing a relationship and unregisterDatabase need grants on every database the relationship reaches', async () => {
    const drop = await as('admin@engineer', `mutation { dropRelationship(database: "engineer", name: "project") }`);
    expect(drop.body.errors![0]).toMatchObject({ message: 'no grant on database "app"', extensions: { code: 'FORBIDDEN' } });
    const replace = await as(
      'admin@engineer',
      `mutation { defineRelationship(input: { name: "project", type: OBJECT, from: { database: "engineer", table: "strategic_directives_v2", columns: ["app_project_id"] }, to: { database: "engineer", table: "strategic_directives_v2", columns: ["priority"] } }) { name } }`,
    );
    expect(replace.body.errors![0]).toMatchObject({ message: 'no grant on database "app"', extensions: { code: 'FORBIDDEN' } });
    const unregister = await as('admin@engineer', `mutation { unregisterDatabase(name: "engineer") }`);
    expect(unregister.body.errors![0]).toMatchObject({ message: 'no grant on database "app"', extensions: { code: 'FORBIDDEN' } });
    expect((await ok('admin', `{ relationships { name } }`)).relationships).toEqual([{ name: 'project' }]);
  });
});
