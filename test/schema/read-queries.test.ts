import { print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectivePageDocument, DirectivesWithBacklogDocument } from '../../schema/generated/graphql.js';
import { createDemoDatabases, type DemoDatabases } from '../helpers/demo.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { READ_RUNS } from '../helpers/fast-path.js';

let demo: DemoDatabases;
let gw: TestGateway;

beforeAll(async () => {
  demo = await createDemoDatabases();
  await demo.engineer.sql(`
    INSERT INTO strategic_directives_v2 (id, title, priority, sequence_rank)
    SELECT 'SD-1' || lpad(g::text, 2, '0'), 'Generated ' || g, g, CASE WHEN g % 3 = 0 THEN NULL ELSE g END
    FROM generate_series(1, 20) g`);
  gw = await startTestGateway({ databases: demo.databases, probeIntervalMs: 60_000, limits: { defaultLimit: 10, maxLimit: 50 } });
});

afterAll(async () => {
  await gw?.stop();
  await demo?.drop();
});

async function data(query: string, variables?: Record<string, unknown>) {
  const { body } = await gw.graphql(query, variables);
  expect(body.errors).toBeUndefined();
  return body.data;
}

describe('generated read schema', () => {
  it('compiles a three-level nested selection into exactly one SQL statement', async () => {
    await demo.engineer.resetStatements();
    const result = await data(`{
      engineer {
        strategicDirectivesV2(where: { id: { in: ["SD-001", "SD-002"] } }) {
          id
          sdBacklogMap { backlogId strategicDirectivesV2 { title sdBacklogMap { backlogId } } }
        }
      }
    }`);
    expect(await demo.engineer.statementCount()).toBe(READ_RUNS);
    expect(result.engineer.strategicDirectivesV2).toEqual([
      {
        id: 'SD-001',
        sdBacklogMap: [
          { backlogId: 'BL-1', strategicDirectivesV2: { title: 'Unify the validation rules', sdBacklogMap: [{ backlogId: 'BL-1' }, { backlogId: 'BL-2' }] } },
          { backlogId: 'BL-2', strategicDirectivesV2: { title: 'Unify the validation rules', sdBacklogMap: [{ backlogId: 'BL-1' }, { backlogId: 'BL-2' }] } },
        ],
      },
      { id: 'SD-002', sdBacklogMap: [{ backlogId: 'BL-3', strategicDirectivesV2: { title: 'Protocol handoff templates', sdBacklogMap: [{ backlogId: 'BL-3' }] } }] },
    ]);
  });

  it('keeps int8 exact, jsonb as JSON, enums as enums and timestamps as ISO strings', async () => {
    const result = await data(`{ engineer { strategicDirectivesV2ByPk(id: "SD-001") { sequenceRank status createdAt sdBacklogMap(limit: 1) { extras } } } }`);
    const sd = result.engineer.strategicDirectivesV2ByPk;
    expect(sd.sequenceRank).toBe('9007199254740993');
    expect(sd.status).toBe('active');
    expect(new Date(sd.createdAt).toISOString()).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(sd.sdBacklogMap[0].extras).toEqual({ owner: 'ana', tags: ['rules'] });
  });

  it('filters with comparison operators, and/or/not and through foreign keys', async () => {
    const q = (where: string) => data(`{ engineer { strategicDirectivesV2(where: ${where}, orderBy: [{ id: ASC }], limit: 50) { id } } }`);
    const ids = async (where: string) => (await q(where)).engineer.strategicDirectivesV2.map((r: { id: string }) => r.id);
    expect(await ids('{ priority: { gte: 70 } }')).toEqual(['SD-001', 'SD-002']);
    expect(await ids('{ title: { ilike: "%RULES%" } }')).toEqual(['SD-001']);
    expect(await ids('{ description: { isNull: true }, priority: { gt: 30 } }')).toEqual(['SD-003']);
    expect(await ids('{ or: [{ id: { eq: "SD-001" } }, { status: { eq: completed } }] }')).toEqual(['SD-001', 'SD-003']);
    expect(await ids('{ not: { id: { like: "SD-1%" } }, status: { nin: [draft] } }')).toEqual(['SD-001', 'SD-003']);
    expect(await ids('{ sdBacklogMap: { extras: { contains: { owner: "ben" } } } }')).toEqual(['SD-001']);
    const items = await data(`{ engineer { sdBacklogMap(where: { strategicDirectivesV2: { status: { eq: draft } } }) { backlogId } } }`);
    expect(items.engineer.sdBacklogMap).toEqual([{ backlogId: 'BL-3' }]);
  });

  it('orders by several columns with nulls placement', async () => {
    const result = await data(`{ engineer { strategicDirectivesV2(where: { id: { like: "SD-1%" } }, orderBy: [{ sequenceRank: ASC_NULLS_FIRST }, { id: DESC }], limit: 8) { id sequenceRank } } }`);
    const rows = result.engineer.strategicDirectivesV2;
    expect(rows.slice(0, 6).every((r: { sequenceRank: string | null }) => r.sequenceRank === null)).toBe(true);
    expect(rows[0].id).toBe('SD-118');
    expect(rows.slice(6).map((r: { sequenceRank: string }) => r.sequenceRank)).toEqual(['1', '2']);
  });

  it('applies the default page size and rejects negative or oversized limits', async () => {
    const all = await data(`{ engineer { strategicDirectivesV2 { id } } }`);
    expect(all.engineer.strategicDirectivesV2).toHaveLength(10);
    const tooMany = await gw.graphql(`{ engineer { strategicDirectivesV2(limit: 51) { id } } }`);
    expect(tooMany.body.errors![0]!.message).toMatch(/limit\) 51 is above the maximum page size 50/);
    expect(tooMany.body.errors![0].extensions?.code).toBe('LIMIT_EXCEEDED');
    const negative = await gw.graphql(`{ engineer { strategicDirectivesV2(limit: -1) { id } } }`);
    expect(negative.body.errors![0].message).toMatch(/must not be negative/);
  });

  it('pages forward and backward through a connection with keyset cursors', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let total = 0;
    for (let page = 0; page < 10; page++) {
      const result = await data(print(DirectivePageDocument), { first: 7, after });
      const conn = result.engineer.strategicDirectivesV2Connection;
      total = conn.totalCount;
      seen.push(...conn.edges.map((e: { node: { id: string } }) => e.node.id));
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    expect(total).toBe(23);
    expect(new Set(seen).size).toBe(23);
    expect(seen).toHaveLength(23);
    const back = await data(`query($before: String) { engineer { strategicDirectivesV2Connection(last: 3, before: $before, orderBy: [{ priority: DESC }]) { edges { node { id } } pageInfo { hasPreviousPage } } } }`, {
      before: after,
    });
    const backIds = back.engineer.strategicDirectivesV2Connection.edges.map((e: { node: { id: string } }) => e.node.id);
    const index = seen.indexOf(backIds[2]);
    expect(seen.slice(index - 2, index + 1)).toEqual(backIds);
    expect(back.engineer.strategicDirectivesV2Connection.pageInfo.hasPreviousPage).toBe(true);
  });

  it('rejects a cursor that was not issued for the field', async () => {
    const { body } = await gw.graphql<any>(`{ engineer { strategicDirectivesV2Connection(first: 2, after: "bm9wZQ") { totalCount } } }`);
    expect(body.errors![0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('counts rows with the aggregate field', async () => {
    const result = await data(`{ engineer { strategicDirectivesV2Aggregate(where: { status: { eq: draft } }) { count } } }`);
    expect(result.engineer.strategicDirectivesV2Aggregate.count).toBe(21);
  });

  it('serves the read-only view without byPk or mutation fields', async () => {
    const result = await data(`{ engineer { strategicDirectivesBacklog(orderBy: [{ backlogId: ASC }], limit: 2) { sdId backlogId status } } }`);
    expect(result.engineer.strategicDirectivesBacklog).toEqual([
      { sdId: 'SD-001', backlogId: 'BL-1', status: 'active' },
      { sdId: 'SD-001', backlogId: 'BL-2', status: 'active' },
    ]);
    const fields = await data(`{ m: __type(name: "Engineer_Mutation") { fields { name } } q: __type(name: "Engineer_Query") { fields { name } } }`);
    const names = [...fields.m.fields, ...fields.q.fields].map((f: { name: string }) => f.name);
    expect(names).toContain('insertSdBacklogMap');
    expect(names.some((n: string) => /StrategicDirectivesBacklog/.test(n) && /insert|update|delete/.test(n))).toBe(false);
    expect(names).not.toContain('strategicDirectivesBacklogByPk');
  });

  it('answers an unknown field with a validation error and a wrong value type naming the argument', async () => {
    const unknown = await gw.graphql(`{ engineer { strategicDirectivesV2 { nope } } }`);
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors![0].message).toMatch(/Cannot query field "nope" on type "Engineer_StrategicDirectivesV2"/);
    const wrongType = await gw.graphql(`query($n: Int) { engineer { strategicDirectivesV2(limit: $n) { id } } }`, { n: 'ten' });
    expect(wrongType.body.errors![0].message).toMatch(/\$n/);
  });

  it('runs a codegen-typed document and gets the typed shape back', async () => {
    const result = await data(print(DirectivesWithBacklogDocument), { limit: 1, status: 'active' });
    expect(result.engineer.strategicDirectivesV2).toEqual([
      expect.objectContaining({ id: 'SD-001', status: 'active', priority: 90, sdBacklogMap: expect.arrayContaining([expect.objectContaining({ backlogId: 'BL-1' })]) }),
    ]);
  });
});
