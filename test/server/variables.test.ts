import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoDatabases, type DemoDatabases } from '../helpers/demo.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

let demo: DemoDatabases;
let gw: TestGateway;

beforeAll(async () => {
  demo = await createDemoDatabases();
  gw = await startTestGateway({ databases: demo.databases, probeIntervalMs: 60_000 });
});

afterAll(async () => {
  await gw?.stop();
  await demo?.drop();
});

/** Runs the inline and the variable form of one operation and returns both bodies. */
async function both(inline: string, withVariables: string, variables: Record<string, unknown>) {
  const [a, b] = await Promise.all([gw.graphql(inline), gw.graphql(withVariables, variables)]);
  expect(a.status).toBe(200);
  expect(b.status).toBe(200);
  return [a.body, b.body] as const;
}

describe('input objects passed as variables', () => {
  it('a filter passed as a variable answers, and the same as the inline filter (the graphql-jit hang)', async () => {
    const [inline, viaVariable] = await both(
      `{ engineer { strategicDirectivesV2(where: { id: { eq: "SD-001" } }, limit: 2) { id } } }`,
      `query($w: Engineer_StrategicDirectivesV2Filter) { engineer { strategicDirectivesV2(where: $w, limit: 2) { id } } }`,
      { w: { id: { eq: 'SD-001' } } },
    );
    expect(inline).toEqual({ data: { engineer: { strategicDirectivesV2: [{ id: 'SD-001' }] } } });
    expect(viaVariable).toEqual(inline);
    const health = await gw.get('/health');
    expect(health.status).toBe(200);
  });

  it('nested and / or / not and relation filters in variables match their inline forms', async () => {
    const where = {
      or: [{ status: { eq: 'active' } }, { not: { priority: { lt: 50 } } }],
      sdBacklogMap: { backlogId: { in: ['BL-1', 'BL-3'] } },
    };
    const [inline, viaVariable] = await both(
      `{ engineer { strategicDirectivesV2(where: { or: [{ status: { eq: active } }, { not: { priority: { lt: 50 } } }], sdBacklogMap: { backlogId: { in: ["BL-1", "BL-3"] } } }, orderBy: [{ id: ASC }]) { id } } }`,
      `query($w: Engineer_StrategicDirectivesV2Filter!, $o: [Engineer_StrategicDirectivesV2OrderBy!]) { engineer { strategicDirectivesV2(where: $w, orderBy: $o) { id } } }`,
      { w: where, o: [{ id: 'ASC' }] },
    );
    expect(inline.errors).toBeUndefined();
    expect((inline.data as any).engineer.strategicDirectivesV2.length).toBeGreaterThan(0);
    expect(viaVariable).toEqual(inline);
  });

  it('a variable inside an inline filter and an order-by variable give the inline result', async () => {
    const [inline, viaVariable] = await both(
      `{ engineer { strategicDirectivesV2(where: { priority: { gte: 10 } }, orderBy: [{ priority: DESC }, { id: ASC }], limit: 3) { id priority } } }`,
      `query($p: Int, $dir: OrderDirection) { engineer { strategicDirectivesV2(where: { priority: { gte: $p } }, orderBy: [{ priority: $dir }, { id: ASC }], limit: 3) { id priority } } }`,
      { p: 10, dir: 'DESC' },
    );
    expect(inline.errors).toBeUndefined();
    expect(viaVariable).toEqual(inline);
  });

  it('insert objects, where and set passed as variables write what the inline mutation writes', async () => {
    const inline = await gw.graphql(
      `mutation { app { insertProjects(objects: [{ name: "inline", ownerEmail: "i@example.com" }]) { name ownerEmail } } }`,
    );
    const viaVariable = await gw.graphql(
      `mutation($o: [App_ProjectsInsertInput!]!) { app { insertProjects(objects: $o) { name ownerEmail } } }`,
      { o: [{ name: 'inline', ownerEmail: 'i@example.com' }] },
    );
    expect(inline.body.errors).toBeUndefined();
    expect(viaVariable.body).toEqual(inline.body);
    const updated = await gw.graphql(
      `mutation($w: App_ProjectsFilter!, $s: App_ProjectsSetInput!) { app { updateProjects(where: $w, set: $s) { name } } }`,
      { w: { name: { eq: 'inline' } }, s: { ownerEmail: 'v@example.com' } },
    );
    expect(updated.body).toEqual({ data: { app: { updateProjects: [{ name: 'inline' }, { name: 'inline' }] } } });
    expect(await demo.app.sql(`SELECT count(*)::int AS n FROM projects WHERE owner_email = 'v@example.com'`)).toEqual([{ n: 2 }]);
  });

  it('a variable of the wrong shape is a 400 naming the variable, before any statement', async () => {
    await demo.engineer.resetStatements();
    const { status, body } = await gw.graphql(
      `query($w: Engineer_StrategicDirectivesV2Filter) { engineer { strategicDirectivesV2(where: $w) { id } } }`,
      { w: { id: { eq: 5, nope: 1 } } },
    );
    expect(status).toBe(400);
    expect(body.errors?.[0].message).toMatch(/\$w/);
    expect(await demo.engineer.statementCount()).toBe(0);
  });
});
