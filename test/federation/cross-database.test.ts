import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_RELATIONSHIPS } from '../../src/demo.js';
import { databaseUrl } from '../helpers/databases.js';
import { createDemoDatabases, type DemoDatabases } from '../helpers/demo.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { READ_RUNS } from '../helpers/fast-path.js';

let demo: DemoDatabases;
let gw: TestGateway;

const relationships = [
  ...DEMO_RELATIONSHIPS,
  {
    name: 'sameTitleItems',
    type: 'array',
    from: { database: 'engineer', table: 'strategic_directives_v2', columns: ['id', 'title'] },
    to: { database: 'engineer', table: 'strategic_directives_backlog', columns: ['sd_id', 'title'] },
  },
];

beforeAll(async () => {
  demo = await createDemoDatabases(['a', 'b']);
  await demo.app.sql(`INSERT INTO projects (id, name, owner_email) SELECT g, 'P' || g, 'p' || g || '@example.com' FROM generate_series(3, 60) g`);
  await demo.engineer.sql(`
    INSERT INTO strategic_directives_v2 (id, title, priority, app_project_id)
    SELECT 'X-' || lpad(g::text, 3, '0'), 'Bulk ' || g, g % 100, (g % 60) + 1 FROM generate_series(1, 100) g`);
  gw = await startTestGateway({ databases: demo.databases, relationships, probeIntervalMs: 60_000 });
});

afterAll(async () => {
  await gw?.stop();
  await demo?.drop();
});

async function ok(query: string) {
  const { body } = await gw.graphql(query);
  expect(body.errors).toBeUndefined();
  return body.data;
}

describe('cross-database relationships', () => {
  it('100 directives → project (other cluster) → users cost one statement on each database', async () => {
    await Promise.all([demo.engineer.resetStatements(), demo.app.resetStatements()]);
    const data = await ok(`{
      engineer {
        strategicDirectivesV2(where: { id: { like: "X-%" } }, orderBy: [{ id: ASC }], limit: 100) {
          id appProjectId
          project { id name users(orderBy: [{ id: ASC }]) { email } }
        }
      }
    }`);
    const rows = data.engineer.strategicDirectivesV2;
    expect(rows).toHaveLength(100);
    expect(await demo.engineer.statementCount()).toBe(READ_RUNS);
    expect(await demo.app.statementCount()).toBe(READ_RUNS);
    for (const row of rows) expect(row.project.id).toBe(row.appProjectId);
    expect(rows.find((r: { appProjectId: number }) => r.appProjectId === 1).project.users.map((u: { email: string }) => u.email)).toEqual([
      'ana@example.com',
      'cy@example.com',
    ]);
  });

  it('goes back the other way with per-parent where, orderBy and limit, keeping parent order', async () => {
    await demo.engineer.resetStatements();
    const data = await ok(`{
      app {
        projects(where: { id: { in: [2, 1, 7] } }, orderBy: [{ id: DESC }]) {
          id
          directives(orderBy: [{ id: ASC }], limit: 2, where: { priority: { gte: 0 } }) { id project { id } }
        }
      }
    }`);
    expect(data.app.projects.map((p: { id: number }) => p.id)).toEqual([7, 2, 1]);
    expect(data.app.projects[0].directives.map((d: { id: string }) => d.id)).toEqual(['X-006', 'X-066']);
    expect(data.app.projects[2].directives.map((d: { id: string }) => d.id)).toEqual(['SD-001', 'SD-002']);
    expect(data.app.projects[1].directives).toEqual([{ id: 'SD-003', project: { id: 2 } }, { id: 'X-001', project: { id: 2 } }]);
    expect(await demo.engineer.statementCount()).toBe(1);
  });

  it('a missing target is null, an empty list when the relationship is an array', async () => {
    await demo.engineer.sql(`INSERT INTO strategic_directives_v2 (id, title, app_project_id) VALUES ('ORPHAN', 'No project', 999), ('NULLKEY', 'Null key', NULL)`);
    const data = await ok(`{ engineer { strategicDirectivesV2(where: { id: { in: ["ORPHAN", "NULLKEY"] } }, orderBy: [{ id: ASC }]) { id project { id } } } app { projectsByPk(id: 60) { directives { id } } } }`);
    expect(data.engineer.strategicDirectivesV2).toEqual([
      { id: 'NULLKEY', project: null },
      { id: 'ORPHAN', project: null },
    ]);
    expect(data.app.projectsByPk.directives.map((d: { id: string }) => d.id)).toEqual(['X-059']);
  });

  it('works inside one database on a composite key without a foreign key', async () => {
    const data = await ok(`{ engineer { strategicDirectivesV2ByPk(id: "SD-001") { sameTitleItems(orderBy: [{ backlogId: ASC }]) { backlogId } } } }`);
    expect(data.engineer.strategicDirectivesV2ByPk.sameTitleItems).toEqual([{ backlogId: 'BL-1' }, { backlogId: 'BL-2' }]);
  });
});

describe('when the target database is down', () => {
  it('the relationship field is null with an error at its path; the rest of the response is intact', async () => {
    const broken = await startTestGateway({
      databases: [demo.databases[0], { name: 'app', url: demo.databases[1].url }],
      relationships,
      probeIntervalMs: 60_000,
    });
    // Take app away after the schema was built from it: it stops accepting connections and the
    // gateway's pooled connections to it are ended, so the next connect fails for real.
    const admin = new pg.Client({ connectionString: databaseUrl(demo.app.cluster, 'postgres') });
    await admin.connect();
    try {
      await admin.query(`ALTER DATABASE "${demo.app.name}" ALLOW_CONNECTIONS false`);
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [demo.app.name]);
      const { body } = await broken.graphql(`{ engineer { strategicDirectivesV2(where: { id: { in: ["SD-001", "SD-003"] } }) { id project { name } } } }`);
      expect(body.data.engineer.strategicDirectivesV2).toEqual([
        { id: 'SD-001', project: null },
        { id: 'SD-003', project: null },
      ]);
      expect(body.errors![0].path).toEqual(['engineer', 'strategicDirectivesV2', 0, 'project']);
      expect(body.errors![0].extensions?.code).toBe('DB_UNAVAILABLE');
    } finally {
      await admin.query(`ALTER DATABASE "${demo.app.name}" ALLOW_CONNECTIONS true`);
      await admin.end();
      await broken.stop();
    }
  });
});

describe('crossDatabaseQuery (library API)', () => {
  it('runs one statement per database concurrently and returns each result', async () => {
    const result = await gw.gateway.crossDatabaseQuery({
      engineer: { sql: 'SELECT count(*)::int AS n FROM strategic_directives_v2 WHERE app_project_id = $1', params: [1] },
      app: { sql: 'SELECT name FROM projects WHERE id = $1', params: [1] },
    });
    expect(result).toEqual({ engineer: [{ n: 3 }], app: [{ name: 'Switchyard console' }] });
  });

  it('a raw write to a view Postgres cannot update says it is a view and names its base tables', async () => {
    const attempt = gw.gateway.crossDatabaseQuery({ engineer: { sql: `INSERT INTO strategic_directives_backlog (sd_id) VALUES ('x')` } });
    await expect(attempt).rejects.toMatchObject({
      message: expect.stringMatching(/"strategic_directives_backlog" is a view that Postgres cannot update; write to public.sd_backlog_map, public.strategic_directives_v2 instead/),
      extensions: expect.objectContaining({ code: 'NOT_UPDATABLE' }),
    });
  });
});
