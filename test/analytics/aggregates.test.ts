import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoDatabases, type DemoDatabases } from '../helpers/demo.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

let demo: DemoDatabases;
let gw: TestGateway;

beforeAll(async () => {
  demo = await createDemoDatabases();
  // 24 more directives, one per hour from 2026-03-28 20:00 UTC (a DST change in Europe/Paris), with backlog items.
  await demo.engineer.sql(`
    INSERT INTO strategic_directives_v2 (id, title, status, priority, sequence_rank, created_at)
    SELECT 'SD-1' || lpad(g::text, 2, '0'), 'Generated ' || g, (ARRAY['draft','active','completed'])[1 + g % 3]::directive_status,
           g * 3, 9007199254740993 + g, timestamptz '2026-03-28 20:00:00+00' + g * interval '1 hour'
    FROM generate_series(1, 24) g;
    INSERT INTO sd_backlog_map (sd_id, backlog_id, backlog_title, priority)
    SELECT 'SD-1' || lpad(g::text, 2, '0'), 'BL-' || k, 'Item ' || k, k * g
    FROM generate_series(1, 24) g, generate_series(1, 1 + g % 4) k`);
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

async function errorOf(query: string, variables?: Record<string, unknown>) {
  const { body } = await gw.graphql(query, variables);
  expect(body.errors?.length).toBeGreaterThan(0);
  return body.errors![0];
}

describe('aggregates', () => {
  it('computes count, countDistinct, sum, avg, min and max exactly, beside nodes, in one statement', async () => {
    await demo.engineer.resetStatements();
    const result = await data(`{ engineer { strategicDirectivesV2Aggregate(where: { id: { like: "SD-1%" } }) {
      count countDistinct(columns: [status]) both: countDistinct(columns: [status, priority])
      sum { priority sequenceRank } avg { priority sequenceRank } min { createdAt title } max { priority sequenceRank createdAt }
      nodes(orderBy: [{ priority: DESC }], limit: 2) { id priority }
    } } }`);
    expect(await demo.engineer.statementCount()).toBe(1);
    const agg = result.engineer.strategicDirectivesV2Aggregate;
    expect(agg.count).toBe(24);
    expect(agg.countDistinct).toBe(3);
    expect(agg.both).toBe(24);
    expect(agg.sum).toEqual({ priority: '900', sequenceRank: String(24n * 9007199254740993n + 300n) });
    expect(agg.avg.priority).toMatch(/^37\.50*$/);
    expect(agg.avg.sequenceRank).toMatch(/^9007199254741005\.50*$/);
    expect(agg.min.title).toBe('Generated 1');
    expect(new Date(agg.min.createdAt).toISOString()).toBe('2026-03-28T21:00:00.000Z');
    expect(agg.max.sequenceRank).toBe('9007199254741017');
    expect(agg.nodes).toEqual([{ id: 'SD-124', priority: 72 }, { id: 'SD-123', priority: 69 }]);
  });

  it('refuses countDistinct of no columns and an empty having comparison instead of guessing', async () => {
    const none = await errorOf(`{ engineer { strategicDirectivesV2Aggregate { countDistinct(columns: []) } } }`);
    expect([none.extensions?.code, none.message]).toEqual(['BAD_USER_INPUT', 'Engineer_StrategicDirectivesV2Aggregate.countDistinct: columns is empty']);
    const empty = await errorOf(`query($c: IntFilter) { engineer { strategicDirectivesV2GroupBy(by: [{ column: status }], having: { count: $c }) { count } } }`, { c: {} });
    expect([empty.extensions?.code, empty.message]).toEqual(['BAD_USER_INPUT', 'having.count has no comparison']);
  });

  it('answers sum, avg, min and max with null over no rows, and count 0', async () => {
    const result = await data(`{ engineer { strategicDirectivesV2Aggregate(where: { id: { eq: "none" } }) { count sum { priority } avg { priority } max { title } nodes { id } } } }`);
    expect(result.engineer.strategicDirectivesV2Aggregate).toEqual({ count: 0, sum: { priority: null }, avg: { priority: null }, max: { title: null }, nodes: [] });
  });
});

describe('group-by', () => {
  it('groups by a key with aggregates, having and order by an aggregate, in one statement', async () => {
    await demo.engineer.resetStatements();
    const result = await data(`{ engineer { strategicDirectivesV2GroupBy(by: [{ column: status }], where: { id: { like: "SD-1%" } },
      having: { count: { gte: 8 } }, orderBy: [{ sum: { priority: DESC } }]) {
      key { status } count sum { priority } max { priority }
    } } }`);
    expect(await demo.engineer.statementCount()).toBe(1);
    // g % 3: 0 → draft (3,6,…,24), 1 → active (1,4,…,22), 2 → completed (2,5,…,23); priority = 3g
    expect(result.engineer.strategicDirectivesV2GroupBy).toEqual([
      { key: { status: 'draft' }, count: 8, sum: { priority: '324' }, max: { priority: 72 } },
      { key: { status: 'completed' }, count: 8, sum: { priority: '300' }, max: { priority: 69 } },
      { key: { status: 'active' }, count: 8, sum: { priority: '276' }, max: { priority: 66 } },
    ]);
  });

  it('buckets timestamps by day in the given time zone', async () => {
    const q = (tz: string) => `{ engineer { strategicDirectivesV2GroupBy(by: [{ column: createdAt, bucket: DAY, timeZone: "${tz}" }], where: { id: { like: "SD-1%" } }) { key { createdAt } count } } }`;
    const utc = (await data(q('UTC'))).engineer.strategicDirectivesV2GroupBy;
    expect(utc.map((g: any) => [new Date(g.key.createdAt).toISOString(), g.count])).toEqual([
      ['2026-03-28T00:00:00.000Z', 3],
      ['2026-03-29T00:00:00.000Z', 21],
    ]);
    const tokyo = (await data(q('Asia/Tokyo'))).engineer.strategicDirectivesV2GroupBy;
    // Tokyo is UTC+9: 21:00Z on the 28th is already the 29th, 15:00Z on the 29th the 30th.
    expect(tokyo.map((g: any) => [new Date(g.key.createdAt).toISOString(), g.count])).toEqual([
      ['2026-03-28T15:00:00.000Z', 18],
      ['2026-03-29T15:00:00.000Z', 6],
    ]);
  });

  it('applies the page limits to groups: the default, and an error above the maximum', async () => {
    const groups = (await data(`{ engineer { strategicDirectivesV2GroupBy(by: [{ column: id }]) { key { id } } } }`)).engineer.strategicDirectivesV2GroupBy;
    expect(groups).toHaveLength(10);
    const error = await errorOf(`{ engineer { strategicDirectivesV2GroupBy(by: [{ column: id }], limit: 51) { count } } }`);
    expect([error.extensions?.code, error.message]).toEqual(['LIMIT_EXCEEDED', 'strategicDirectivesV2GroupBy(limit) 51 is above the maximum group count 50']);
    expect(error.extensions?.hint).toContain('offset');
  });

  it('refuses a bucket on a non-time column, a key not grouped, a malformed time zone and an unknown one, naming the problem', async () => {
    const bucket = await errorOf(`{ engineer { strategicDirectivesV2GroupBy(by: [{ column: title, bucket: DAY }]) { count } } }`);
    expect(bucket.message).toContain('title is not a date or time');
    const key = await errorOf(`{ engineer { strategicDirectivesV2GroupBy(by: [{ column: status }]) { key { title } } } }`);
    expect([key.extensions?.code, key.message]).toEqual(['BAD_USER_INPUT', 'strategicDirectivesV2GroupBy: key.title is not grouped']);
    const tz = await errorOf(`{ engineer { strategicDirectivesV2GroupBy(by: [{ column: createdAt, bucket: DAY, timeZone: "UTC'; drop table x; --" }]) { count } } }`);
    expect(tz.message).toContain('is not a time zone name');
    const unknown = await errorOf(`{ engineer { strategicDirectivesV2GroupBy(by: [{ column: createdAt, bucket: DAY, timeZone: "Mars/Olympus_Mons" }]) { count } } }`);
    expect(unknown.message).toContain('time zone "Mars/Olympus_Mons" not recognized');
  });
});

describe('relation aggregates', () => {
  it('compiles a one-to-many aggregate twin into the parent statement', async () => {
    await demo.engineer.resetStatements();
    const result = await data(`{ engineer { strategicDirectivesV2(where: { id: { in: ["SD-001", "SD-101", "SD-103"] } }, orderBy: [{ id: ASC }]) {
      id sdBacklogMapAggregate { count max { priority backlogId } }
      high: sdBacklogMapAggregate(where: { priority: { gte: 2 } }) { count nodes { backlogId } }
    } } }`);
    expect(await demo.engineer.statementCount()).toBe(1);
    expect(result.engineer.strategicDirectivesV2).toEqual([
      { id: 'SD-001', sdBacklogMapAggregate: { count: 2, max: { priority: 2, backlogId: 'BL-2' } }, high: { count: 1, nodes: [{ backlogId: 'BL-2' }] } },
      { id: 'SD-101', sdBacklogMapAggregate: { count: 2, max: { priority: 2, backlogId: 'BL-2' } }, high: { count: 1, nodes: [{ backlogId: 'BL-2' }] } },
      { id: 'SD-103', sdBacklogMapAggregate: { count: 4, max: { priority: 12, backlogId: 'BL-4' } }, high: { count: 4, nodes: [{ backlogId: 'BL-1' }, { backlogId: 'BL-2' }, { backlogId: 'BL-3' }, { backlogId: 'BL-4' }] } },
    ]);
  });

  it('orders and filters a list by a relation aggregate', async () => {
    const result = await data(`{ engineer { strategicDirectivesV2(where: { sdBacklogMapAggregate: { count: { gt: 3 } } },
      orderBy: [{ sdBacklogMapAggregate: { sum: { priority: DESC } } }, { id: ASC }], limit: 3) { id sdBacklogMapAggregate { count sum { priority } } } } }`);
    const rows = result.engineer.strategicDirectivesV2;
    expect(rows.map((r: any) => r.sdBacklogMapAggregate.count)).toEqual([4, 4, 4]);
    // g ≡ 3 (mod 4) has 4 items of priority k·g: sum 10g → 230, 190, 150
    expect(rows.map((r: any) => [r.id, r.sdBacklogMapAggregate.sum.priority])).toEqual([
      ['SD-123', '230'],
      ['SD-119', '190'],
      ['SD-115', '150'],
    ]);
  });

  it('filters and orders by a relation aggregate when only columns are selected (the fast path), with the same rows', async () => {
    const result = await data(`{ engineer { strategicDirectivesV2(where: { sdBacklogMapAggregate: { count: { gt: 3 } } },
      orderBy: [{ sdBacklogMapAggregate: { sum: { priority: DESC } } }, { id: ASC }], limit: 3) { id } } }`);
    expect(result.engineer.strategicDirectivesV2).toEqual([{ id: 'SD-123' }, { id: 'SD-119' }, { id: 'SD-115' }]);
  });

  it('refuses an empty relation aggregate condition rather than reading it as no condition', async () => {
    const error = await errorOf(`{ engineer { strategicDirectivesV2(where: { sdBacklogMapAggregate: {} }) { id } } }`);
    expect([error.extensions?.code, error.message]).toEqual(['BAD_USER_INPUT', 'where.sdBacklogMapAggregate has no condition']);
  });
});
