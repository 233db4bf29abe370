import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_RELATIONSHIPS } from '../../src/demo.js';
import { createDemoDatabases, type DemoDatabases } from '../helpers/demo.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

let demo: DemoDatabases;
let gw: TestGateway;

beforeAll(async () => {
  demo = await createDemoDatabases(['a', 'b']);
  await demo.app.sql(`INSERT INTO projects (id, name, owner_email) SELECT g, 'P' || g, 'p' || g || '@example.com' FROM generate_series(3, 60) g`);
  // Project p (1..60) gets the directives X-g with g % 60 + 1 = p: 100 directives, created one hour apart.
  await demo.engineer.sql(`
    INSERT INTO strategic_directives_v2 (id, title, priority, app_project_id, created_at)
    SELECT 'X-' || lpad(g::text, 3, '0'), 'Bulk ' || g, g % 100, (g % 60) + 1, timestamptz '2026-01-01 00:00:00+00' + g * interval '1 hour'
    FROM generate_series(1, 100) g`);
  gw = await startTestGateway({ databases: demo.databases, relationships: DEMO_RELATIONSHIPS, probeIntervalMs: 60_000, limits: { defaultLimit: 100, maxLimit: 1000 } });
});

afterAll(async () => {
  await gw?.stop();
  await demo?.drop();
});

describe('cross-database aggregates', () => {
  it('per project, the count and latest createdAt of its directives in another database cost one statement there, for 60 parents', async () => {
    await Promise.all([demo.engineer.resetStatements(), demo.app.resetStatements()]);
    const { body } = await gw.graphql(`{ app { projects(orderBy: [{ id: ASC }], limit: 60) {
      id directivesAggregate(where: { id: { like: "X-%" } }) { count max { createdAt } sum { priority } }
    } } }`);
    expect(body.errors).toBeUndefined();
    expect(await demo.app.statementCount()).toBe(1);
    expect(await demo.engineer.statementCount()).toBe(1);
    const expected = await demo.engineer.sql(`
      SELECT p AS id, count(d.id)::int AS count, max(d.created_at) AS latest, sum(d.priority)::text AS sum
      FROM generate_series(1, 60) p LEFT JOIN strategic_directives_v2 d ON d.app_project_id = p AND d.id LIKE 'X-%'
      GROUP BY p ORDER BY p`);
    const rows = body.data.app.projects;
    expect(rows).toHaveLength(60);
    expect(rows.map((r: any) => [r.id, r.directivesAggregate.count, r.directivesAggregate.max.createdAt && Date.parse(r.directivesAggregate.max.createdAt), r.directivesAggregate.sum.priority])).toEqual(
      expected.map((e) => [e.id, e.count, e.latest && e.latest.getTime(), e.sum]),
    );
    expect(rows.find((r: any) => r.id === 2).directivesAggregate.count).toBe(2);
  });

  it('nests rows beside the aggregate, linked to each parent, in the same one statement', async () => {
    await demo.engineer.resetStatements();
    const { body } = await gw.graphql(`{ app { projects(where: { id: { in: [1, 2] } }, orderBy: [{ id: ASC }]) {
      id directivesAggregate { count nodes(orderBy: [{ id: DESC }], limit: 2) { id } }
    } } }`);
    expect(body.errors).toBeUndefined();
    expect(await demo.engineer.statementCount()).toBe(1);
    expect(body.data.app.projects).toEqual([
      { id: 1, directivesAggregate: { count: 3, nodes: [{ id: 'X-060' }, { id: 'SD-002' }] } },
      { id: 2, directivesAggregate: { count: 3, nodes: [{ id: 'X-061' }, { id: 'X-001' }] } },
    ]);
  });

  it("runs the README's dashboard example as written: one statement per database", async () => {
    const readme = readFileSync('README.md', 'utf8');
    const query = /### Dashboards[\s\S]*?```graphql\n([\s\S]*?)```/.exec(readme)![1];
    await Promise.all([demo.engineer.resetStatements(), demo.app.resetStatements()]);
    const { body } = await gw.graphql(query, { from: '2026-01-01T00:00:00Z' });
    expect(body.errors).toBeUndefined();
    // Three root fields on engineer, one on app plus its cross-database twin's batch on engineer.
    expect(await demo.engineer.statementCount()).toBe(4);
    expect(await demo.app.statementCount()).toBe(1);
    const series = body.data.engineer.strategicDirectivesV2GroupBy;
    expect(series.length).toBeGreaterThan(0);
    expect(series.every((g: any) => g.count >= 2 && g.key.status === 'draft')).toBe(true);
    expect(body.data.app.projects.find((p: any) => p.id === 2).directivesAggregate.count).toBe(3);
  });

  it('refuses the cross-database twin to a caller without a grant on the target database, with no statement there', async () => {
    const appOnly = await startTestGateway(
      { databases: demo.databases, relationships: DEMO_RELATIONSHIPS, probeIntervalMs: 60_000 },
      { anonymous: { name: 'app-reader', role: 'reader', databases: ['app'] } },
    );
    try {
      await demo.engineer.resetStatements();
      const { body } = await appOnly.graphql(`{ app { projects(where: { id: { eq: 1 } }) { id directivesAggregate { count } } } }`);
      expect(body.errors?.[0]).toMatchObject({ path: ['app', 'projects', 0, 'directivesAggregate'], extensions: { code: 'FORBIDDEN', database: 'engineer' } });
      expect(body.data.app.projects).toEqual([{ id: 1, directivesAggregate: null }]);
      expect(await demo.engineer.statementCount()).toBe(0);
    } finally {
      await appOnly.stop();
    }
  });

  it('counts an aggregate as one row and a group-by as its limit in the row budget', async () => {
    const budget = await startTestGateway({ databases: demo.databases, relationships: DEMO_RELATIONSHIPS, probeIntervalMs: 60_000, limits: { defaultLimit: 10, maxLimit: 100, maxRows: 100 } });
    try {
      // 60 parents, each with an aggregate (no rows of its own): 60 rows.
      const fits = await budget.graphql(`{ app { projects(limit: 60) { id directivesAggregate { count } } } engineer { strategicDirectivesV2Aggregate { count } } }`);
      expect(fits.body.errors).toBeUndefined();
      // 60 parents plus a group-by of limit 50: 110 rows.
      const over = await budget.graphql(`{ app { projects(limit: 60) { id } } engineer { strategicDirectivesV2GroupBy(by: [{ column: status }], limit: 50) { count } } }`);
      expect(over.body.errors?.[0].extensions?.code).toBe('ROW_BUDGET_EXCEEDED');
      expect(over.body.errors?.[0].extensions?.estimate).toBe(110);
    } finally {
      await budget.stop();
    }
  });
});
