import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { live, liveClient, until, type LiveSubscription } from './live-helpers.js';

let db: TestDatabase;
let gw: TestGateway;
const clients: { dispose(): Promise<void> | void }[] = [];

beforeAll(async () => {
  db = await createTestDatabase('live_shapes');
  await db.sql(`
    CREATE TYPE kind AS ENUM ('tool', 'part', 'kit');
    CREATE TABLE items (
      id uuid PRIMARY KEY, n int NOT NULL, big bigint NOT NULL, kind kind NOT NULL, tags text[] NOT NULL,
      meta jsonb NOT NULL, at timestamptz NOT NULL, price numeric(12,2) NOT NULL, label text);
    INSERT INTO items
      SELECT ('00000000-0000-0000-0000-' || lpad(g::text, 12, '0'))::uuid, g, g * 10000000000, (ARRAY['tool','part','kit'])[1 + g % 3]::kind,
             ARRAY['t' || (g % 4)], jsonb_build_object('g', g, 'even', g % 2 = 0), '2026-01-01'::timestamptz + g * interval '1 hour',
             g * 1.25, CASE WHEN g % 5 = 0 THEN NULL ELSE 'label ' || g END
      FROM generate_series(1, 40) g;`);
  gw = await startTestGateway({ live: { intervalMs: 120, maxPerConnection: 500 }, databases: [{ name: 'inv', url: db.url }, { name: 'invtx', url: db.url, mode: 'transaction' }] });
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await gw?.stop();
  await db?.drop();
});

const id = (g: number) => `00000000-0000-0000-0000-${String(g).padStart(12, '0')}`;
const FIELDS = `id n big kind tags meta at price label`;

/** Documents of each root field kind, each with variable sets that differ only in values (one cohort per document). */
const CASES: { name: string; query: string; variables: Record<string, unknown>[] }[] = [
  { name: 'list by int and enum', query: `($n: Int!, $k: Inv_Kind!) { inv { items(where: { n: { gt: $n }, kind: { eq: $k } }, orderBy: [{ n: DESC }], limit: 5) { ${FIELDS} } } }`, variables: [{ n: 3, k: 'tool' }, { n: 20, k: 'kit' }, { n: 39, k: 'part' }] },
  { name: 'list by in-list', query: `($ids: [String!]!) { inv { items(where: { id: { in: $ids } }) { id n } } }`, variables: [{ ids: [id(1), id(2)] }, { ids: [id(7)] }, { ids: [] }] },
  { name: 'list by jsonb containment and bigint', query: `($m: JSON!, $b: BigInt!) { inv { items(where: { meta: { contains: $m }, big: { gte: $b } }, limit: 3) { id meta } } }`, variables: [{ m: { even: true }, b: '100000000000' }, { m: { g: 9 }, b: '1' }] },
  { name: 'by primary key', query: `($id: String!) { inv { itemsByPk(id: $id) { ${FIELDS} } } }`, variables: [{ id: id(4) }, { id: id(99) }, { id: id(40) }] },
  { name: 'first page of a connection', query: `($first: Int!, $t: String!) { inv { itemsConnection(first: $first, where: { label: { like: $t } }, orderBy: [{ price: DESC }]) { totalCount edges { cursor node { id price } } pageInfo { hasNextPage endCursor } } } }`, variables: [{ first: 2, t: 'label 1%' }, { first: 4, t: '%' }] },
  { name: 'aggregate count', query: `($t: String!) { inv { itemsAggregate(where: { label: { ilike: $t } }) { count } } }`, variables: [{ t: 'LABEL 1%' }, { t: '%2' }, { t: 'none' }] },
  { name: 'null and timestamp filters', query: `($at: DateTime!, $null: Boolean!) { inv { items(where: { at: { lt: $at }, label: { isNull: $null } }) { id at label } } }`, variables: [{ at: '2026-01-02T00:00:00Z', null: true }, { at: '2026-01-02T12:00:00Z', null: false }] },
];

const asQuery = (q: string) => `query${q}`;
const asSubscription = (q: string) => `subscription${q}`;

describe.each([
  ['inv', 'session mode'],
  ['invtx', 'through a transaction-mode pooler (no named statements, no session state)'],
])('live query shapes on %s, %s', (namespace) => {
  const inNamespace = (q: string) => (namespace === 'inv' ? q : q.replaceAll('{ inv {', '{ invtx {').replaceAll('Inv_', 'Invtx_'));
  it('every root field kind gives, multiplexed, the same result as the query, for each variable set', async () => {
    await until(() => gw.gateway.live.stats().open === 0, 5000, 'earlier live queries to end');
    const c = liveClient(gw);
    clients.push(c);
    const subs: { sub: LiveSubscription; query: string; variables: Record<string, unknown> }[] = [];
    for (const { query: q, variables } of CASES) {
      const query = inNamespace(q);
      for (const v of variables) subs.push({ sub: live(c, asSubscription(query), v), query, variables: v });
    }
    await until(() => subs.every((s) => s.sub.results.length > 0), 10_000, 'first results');
    // A change everywhere: the next refresh runs every document for all its variable sets in one statement each.
    await db.sql(`UPDATE items SET price = price + 1, meta = meta || '{"touched": true}'`);
    const [first, second] = await nextRefreshes(2);
    expect(first.statements).toBe(first.cohorts);
    expect(first.members).toBe(CASES.reduce((n, c) => n + c.variables.length, 0));
    expect(first.cohorts).toBeLessThan(first.members);
    expect(second.statements).toBe(second.cohorts);
    const touched = subs.filter((s) => s.query.includes('price') && s.variables.id !== id(99));
    await until(() => touched.every((s) => s.sub.results.length > 1), 5000, 'the change').catch((e) => {
      for (const s of touched) if (s.sub.results.length < 2) console.log(s.query, JSON.stringify(s.variables), JSON.stringify(s.sub.results));
      throw e;
    });
    for (const { sub, query, variables } of subs) {
      const expected = await gw.graphql(asQuery(query), variables);
      expect(expected.body.errors, query).toBeUndefined();
      const latest = sub.results.at(-1)!;
      expect(latest.errors, query).toBeUndefined();
      expect({ query, variables, data: latest.data }).toEqual({ query, variables, data: expected.body.data });
    }
    expect(subs.find((s) => s.query.includes('itemsByPk') && s.variables.id === id(99))!.sub.results[0].data[namespace].itemsByPk).toBeNull();
    subs.forEach((s) => s.sub.stop());
  });
});

function nextRefreshes(n: number): Promise<{ cohorts: number; statements: number; members: number }[]> {
  const seen: { cohorts: number; statements: number; members: number }[] = [];
  return new Promise((resolve) => {
    const off = gw.gateway.live.onRefresh((stats) => {
      seen.push(stats);
      if (seen.length === n) (off(), resolve(seen));
    });
  });
}

describe('a member whose values fail its statement', () => {
  it('gets the error alone: the other members of its cohort keep their results, now and at later refreshes', async () => {
    await until(() => gw.gateway.live.stats().open === 0, 5000, 'earlier live queries to end');
    const c = liveClient(gw);
    clients.push(c);
    const query = `subscription($id: String!) { inv { itemsByPk(id: $id) { id n } } }`;
    const good = [live(c, query, { id: id(5) }), live(c, query, { id: id(6) })];
    const bad = live(c, query, { id: 'not-a-uuid' });
    await until(() => [...good, bad].every((s) => s.results.length > 0), 5000, 'first results');
    // The first refresh after a change puts all three in one statement; the bad value fails it and is isolated.
    await db.sql(`UPDATE items SET n = n + 100 WHERE n IN (5, 6)`);
    await until(() => good.every((s) => s.results.length > 1), 5000, 'the change');
    expect(good.map((s) => s.results.at(-1)!.data.inv.itemsByPk.n)).toEqual([105, 106]);
    expect(good.every((s) => s.results.every((r) => !r.errors))).toBe(true);
    expect(bad.results.at(-1)!.errors?.[0].message).toMatch(/invalid input syntax for type uuid/);
    await db.sql(`UPDATE items SET n = n + 100 WHERE n IN (105, 106)`);
    await until(() => good.every((s) => s.results.length > 2), 5000, 'the next change');
    expect(good.map((s) => s.results.at(-1)!.data.inv.itemsByPk.n)).toEqual([205, 206]);
    [...good, bad].forEach((s) => s.stop());
  });
});

