import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoDatabases, type DemoDatabases } from '../helpers/demo.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

let demo: DemoDatabases;
let gw: TestGateway;

beforeAll(async () => {
  demo = await createDemoDatabases();
  gw = await startTestGateway({ databases: [demo.databases[0], { ...demo.databases[1], readOnly: false }], probeIntervalMs: 60_000 });
});

afterAll(async () => {
  await gw?.stop();
  await demo?.drop();
});

async function ok(query: string, variables?: Record<string, unknown>) {
  const { body } = await gw.graphql(query, variables);
  expect(body.errors).toBeUndefined();
  return body.data;
}

describe('data mutations', () => {
  it('inserts rows with defaults and returns them with a nested selection', async () => {
    const data = await ok(`mutation {
      engineer {
        insertSdBacklogMap(objects: [{ sdId: "SD-002", backlogId: "BL-9", backlogTitle: "Ship it", extras: { tags: ["a"], n: 1 } }]) {
          backlogId priority extras strategicDirectivesV2 { title }
        }
      }
    }`);
    expect(data.engineer.insertSdBacklogMap).toEqual([
      { backlogId: 'BL-9', priority: 0, extras: { tags: ['a'], n: 1 }, strategicDirectivesV2: { title: 'Protocol handoff templates' } },
    ]);
    const rows = await demo.engineer.sql(`SELECT extras FROM sd_backlog_map WHERE backlog_id = 'BL-9'`);
    expect(rows[0].extras).toEqual({ tags: ['a'], n: 1 });
  });

  it('upserts on a unique constraint with onConflict', async () => {
    const data = await ok(`mutation {
      engineer {
        insertSdBacklogMap(
          objects: [{ sdId: "SD-001", backlogId: "BL-1", backlogTitle: "Renamed", priority: 7 }]
          onConflict: { constraint: sd_backlog_map_pkey, update: [backlogTitle, priority] }
        ) { backlogTitle priority }
      }
    }`);
    expect(data.engineer.insertSdBacklogMap).toEqual([{ backlogTitle: 'Renamed', priority: 7 }]);
    expect(await demo.engineer.sql(`SELECT count(*)::int AS n FROM sd_backlog_map WHERE sd_id = 'SD-001'`)).toEqual([{ n: 2 }]);
  });

  it('updates and deletes by filter and by primary key', async () => {
    const data = await ok(`mutation {
      app {
        renamed: updateProjectsByPk(id: 2, set: { name: "Mobile app v2" }) { id name }
        roles: updateUsers(where: { email: { like: "%cy%" } }, set: { role: "viewer" }) { email role }
        gone: deleteUsersByPk(id: 3) { email }
        missing: deleteUsersByPk(id: 999) { email }
      }
    }`);
    expect(data.app).toEqual({
      renamed: { id: 2, name: 'Mobile app v2' },
      roles: [{ email: 'cy@example.com', role: 'viewer' }],
      gone: { email: 'ben@example.com' },
      missing: null,
    });
    expect(await demo.app.sql(`SELECT count(*)::int AS n FROM users`)).toEqual([{ n: 2 }]);
  });

  it('runs all mutations of one database in one transaction: a failure rolls every one back', async () => {
    const before = await demo.app.sql(`SELECT count(*)::int AS n FROM projects`);
    const { body } = await gw.graphql(`mutation {
      app {
        first: insertProjects(objects: [{ name: "Will vanish", ownerEmail: "x@example.com" }]) { id }
        second: insertUsers(objects: [{ projectId: 1, email: "ana@example.com" }]) { id }
      }
    }`);
    expect(body.errors).toHaveLength(1);
    const error = body.errors![0];
    expect(error.message).toMatch(/^\[app\.second: insertUsers\] unique constraint "users_email_key" violated/);
    expect(error.extensions).toMatchObject({ code: 'CONSTRAINT_VIOLATION', sqlState: '23505', constraint: 'users_email_key', database: 'app' });
    expect(await demo.app.sql(`SELECT count(*)::int AS n FROM projects`)).toEqual(before);
    expect(await demo.app.sql(`SELECT 1 FROM projects WHERE name = 'Will vanish'`)).toEqual([]);
  });

  it('names not-null, check and foreign key violations in plain words', async () => {
    const attempt = async (mutation: string) => (await gw.graphql(`mutation { app { ${mutation} } }`)).body.errors![0];
    expect((await attempt(`insertProjects(objects: [{ name: "No owner" }]) { id }`)).message).toMatch(/not-null constraint violated on column "owner_email"/);
    expect((await attempt(`insertUsers(objects: [{ projectId: 1, email: "z@example.com", role: "god" }]) { id }`)).extensions).toMatchObject({
      code: 'CONSTRAINT_VIOLATION',
      constraint: 'users_role_check',
    });
    const fk = await attempt(`insertUsers(objects: [{ projectId: 4040, email: "q@example.com" }]) { id }`);
    expect(fk.message).toMatch(/foreign key constraint "users_project_id_fkey" violated/);
    expect(fk.extensions?.hint).toMatch(/referenced row must exist/);
  });

  it('rejects a value of the wrong type naming the argument, changing nothing', async () => {
    const { body } = await gw.graphql(`mutation($id: Int!) { app { deleteProjectsByPk(id: $id) { id } } }`, { id: 'one' });
    expect(body.errors![0].message).toMatch(/Variable "\$id" got invalid value "one"/);
    expect(await demo.app.sql(`SELECT count(*)::int AS n FROM projects`)).toEqual([{ n: 2 }]);
  });
});

describe('read-only databases', () => {
  it('get no mutation namespace at all', async () => {
    const readOnly = await startTestGateway({ databases: [{ ...demo.databases[1], readOnly: true }], probeIntervalMs: 60_000 });
    try {
      const { body } = await readOnly.graphql(`{ __type(name: "Mutation") { fields { name } } }`);
      const names = body.data.__type.fields.map((f: { name: string }) => f.name);
      expect(names).not.toContain('app');
      const write = await readOnly.graphql(`mutation { app { deleteUsers(where: {}) { id } } }`);
      expect(write.status).toBe(400);
    } finally {
      await readOnly.stop();
    }
  });
});
