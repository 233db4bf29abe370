import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

/*
 * Differential test of tGroupBy and tAggregate: generated requests (keys, time buckets and zones,
 * filters, having, order, windows, every aggregate) against SQL written by hand here — GROUP BY on
 * expressions, HAVING and literals, no subqueries — run directly on the same database.
 */
const SEED = 1313;
const RUNS = 240;
/** Lists with a relation's aggregate twin, filtered and ordered by that relation's aggregates. */
const RELATION_RUNS = 80;

let db: TestDatabase;
let gw: TestGateway;

beforeAll(async () => {
  db = await createTestDatabase('analytics_diff');
  await db.sql(`
    CREATE TYPE mood AS ENUM ('calm', 'busy', 'angry');
    CREATE TABLE sales (
      id serial PRIMARY KEY,
      region text,
      mood mood,
      qty int NOT NULL,
      units int8,
      price numeric(12, 2),
      ratio float8,
      sold_at timestamptz NOT NULL,
      sold_on date,
      local_at timestamp
    );
    INSERT INTO sales (region, mood, qty, units, price, ratio, sold_at, sold_on, local_at)
    SELECT (ARRAY['north', 'south', 'east', 'west', NULL])[1 + i % 5],
           CASE WHEN i % 11 = 0 THEN NULL ELSE (ARRAY['calm', 'busy', 'angry']::mood[])[1 + i % 3] END,
           (i * 37) % 50 - 10,
           CASE WHEN i % 9 = 0 THEN NULL ELSE 9007199254740000 + (i * 13) % 1000 END,
           CASE WHEN i % 13 = 0 THEN NULL ELSE ((i * 7919) % 100000) / 100.0 END,
           ((i * 13) % 40) * 0.25,
           timestamptz '2026-01-01 00:00:00+00' + i * interval '97 minutes',
           date '2025-12-01' + (i % 200),
           timestamp '2026-01-01 00:00:00' + i * interval '5 hours 3 minutes'
    FROM generate_series(1, 1500) AS i;
    CREATE TABLE lines (
      id serial PRIMARY KEY,
      sale_id int NOT NULL REFERENCES sales (id),
      weight int,
      tag text
    );
    INSERT INTO lines (sale_id, weight, tag)
    SELECT i, CASE WHEN (i + k) % 7 = 0 THEN NULL ELSE (i * k * 7) % 23 - 3 END, (ARRAY['a', 'b', NULL])[1 + (i + k) % 3]
    FROM generate_series(1, 1500) AS i, generate_series(1, 5) AS k WHERE k <= i % 6;
    CREATE INDEX lines_sale_id_idx ON lines (sale_id);
    ANALYZE sales, lines;`);
  gw = await startTestGateway({ databases: [{ name: 'shop', url: db.url }], probeIntervalMs: 60_000, limits: { defaultLimit: 20, maxLimit: 500 } });
});

afterAll(async () => {
  await gw?.stop();
  await db?.drop();
});

/** How a value is compared: the gateway's json value and the hand SQL's text, made equal. */
type Kind = 'text' | 'number' | 'instant' | 'local';

interface Column {
  field: string;
  sql: string;
  kind: Kind;
}

const C = {
  region: { field: 'region', sql: 'region', kind: 'text' },
  mood: { field: 'mood', sql: 'mood', kind: 'text' },
  qty: { field: 'qty', sql: 'qty', kind: 'number' },
  units: { field: 'units', sql: 'units', kind: 'text' },
  price: { field: 'price', sql: 'price', kind: 'text' },
  ratio: { field: 'ratio', sql: 'ratio', kind: 'number' },
  soldAt: { field: 'soldAt', sql: 'sold_at', kind: 'instant' },
  soldOn: { field: 'soldOn', sql: 'sold_on', kind: 'text' },
  localAt: { field: 'localAt', sql: 'local_at', kind: 'local' },
} satisfies Record<string, Column>;

interface Key {
  column: Column;
  bucket?: string;
  timeZone?: string;
}

/** A condition as both a GraphQL input literal and hand SQL. */
interface Cond {
  gql: string;
  sql: string;
}

interface Request {
  keys: Key[] | null;
  where?: Cond;
  having?: Cond;
  order: { gql: string; sql: string }[];
  limit?: number;
  offset?: number;
  distinct: Column[];
}

const SUMS = [C.qty, C.units, C.price, C.ratio];
const MINMAX = [C.region, C.qty, C.price, C.soldAt, C.soldOn, C.localAt];

const key: fc.Arbitrary<Key> = fc.oneof(
  fc.constantFrom<Key>({ column: C.region }, { column: C.mood }, { column: C.qty }),
  fc.record({ column: fc.constant(C.soldAt), bucket: fc.constantFrom('HOUR', 'DAY', 'WEEK', 'MONTH', 'QUARTER', 'YEAR'), timeZone: fc.constantFrom(undefined, 'UTC', 'Europe/Paris', 'America/New_York', 'Asia/Kolkata') }),
  fc.record({ column: fc.constant(C.soldOn), bucket: fc.constantFrom('DAY', 'WEEK', 'MONTH', 'QUARTER', 'YEAR') }),
  fc.record({ column: fc.constant(C.localAt), bucket: fc.constantFrom('HOUR', 'DAY', 'MONTH') }),
);

const atom: fc.Arbitrary<Cond> = fc.oneof(
  fc.integer({ min: -12, max: 42 }).map((n) => ({ gql: `{ qty: { gt: ${n} } }`, sql: `qty > ${n}` })),
  fc.subarray(['north', 'south', 'east', 'west'], { minLength: 1 }).map((rs) => ({ gql: `{ region: { in: ${JSON.stringify(rs)} } }`, sql: `region = ANY(ARRAY[${rs.map((r) => `'${r}'`).join(', ')}])` })),
  fc.constantFrom('calm', 'busy', 'angry').map((m) => ({ gql: `{ mood: { eq: ${m} } }`, sql: `mood = '${m}'` })),
  fc.integer({ min: 1, max: 100 }).map((d) => {
    const t = new Date(Date.UTC(2026, 0, 1) + d * 86_400_000).toISOString();
    return { gql: `{ soldAt: { lt: "${t}" } }`, sql: `sold_at < '${t}'` };
  }),
  fc.integer({ min: 0, max: 1000 }).map((p) => ({ gql: `{ price: { gte: "${p}.50" } }`, sql: `price >= ${p}.50` })),
  fc.boolean().map((b) => ({ gql: `{ region: { isNull: ${b} } }`, sql: `region IS ${b ? '' : 'NOT '}NULL` })),
);

const where: fc.Arbitrary<Cond> = fc.oneof(
  { weight: 3, arbitrary: atom },
  { weight: 1, arbitrary: fc.tuple(atom, atom).map(([a, b]) => ({ gql: `{ or: [${a.gql}, ${b.gql}] }`, sql: `(${a.sql} OR ${b.sql})` })) },
  { weight: 1, arbitrary: fc.tuple(atom, atom).map(([a, b]) => ({ gql: `{ and: [${a.gql}, ${b.gql}] }`, sql: `(${a.sql} AND ${b.sql})` })) },
  { weight: 1, arbitrary: atom.map((a) => ({ gql: `{ not: ${a.gql} }`, sql: `NOT (${a.sql})` })) },
);

const havingAtom: fc.Arbitrary<Cond> = fc.oneof(
  fc.integer({ min: 0, max: 60 }).map((n) => ({ gql: `{ count: { gt: ${n} } }`, sql: `count(*) > ${n}` })),
  fc.integer({ min: -50, max: 800 }).map((n) => ({ gql: `{ sum: { qty: { gte: "${n}" } } }`, sql: `sum(qty) >= ${n}` })),
  fc.integer({ min: 0, max: 1000 }).map((p) => ({ gql: `{ max: { price: { lt: "${p}" } } }`, sql: `max(price) < ${p}` })),
  fc.integer({ min: 0, max: 10 }).map((r) => ({ gql: `{ avg: { ratio: { gt: ${r} } } }`, sql: `avg(ratio) > ${r}` })),
  fc.integer({ min: 0, max: 100 }).map((n) => ({ gql: `{ avg: { qty: { lte: "${n / 4}" } } }`, sql: `avg(qty) <= ${n / 4}` })),
  fc.boolean().map((b) => ({ gql: `{ min: { price: { isNull: ${b} } } }`, sql: `min(price) IS ${b ? '' : 'NOT '}NULL` })),
);

const having: fc.Arbitrary<Cond> = fc.oneof(
  { weight: 3, arbitrary: havingAtom },
  { weight: 1, arbitrary: fc.tuple(havingAtom, havingAtom).map(([a, b]) => ({ gql: `{ or: [${a.gql}, ${b.gql}] }`, sql: `(${a.sql} OR ${b.sql})` })) },
  { weight: 1, arbitrary: havingAtom.map((a) => ({ gql: `{ not: ${a.gql} }`, sql: `NOT (${a.sql})` })) },
);

const DIRECTIONS: Record<string, string> = {
  ASC: 'ASC NULLS LAST', DESC: 'DESC NULLS FIRST', ASC_NULLS_FIRST: 'ASC NULLS FIRST', DESC_NULLS_LAST: 'DESC NULLS LAST',
};
const direction = fc.constantFrom(...Object.keys(DIRECTIONS));

const aggregateOrder: fc.Arbitrary<{ gql: string; sql: string }> = fc.oneof(
  direction.map((d) => ({ gql: `{ count: ${d} }`, sql: `count(*) ${DIRECTIONS[d]}` })),
  fc.tuple(fc.constantFrom('sum', 'avg'), fc.constantFrom(...SUMS), direction).map(([fn, c, d]) => ({ gql: `{ ${fn}: { ${c.field}: ${d} } }`, sql: `${fn}(${c.sql}) ${DIRECTIONS[d]}` })),
  fc.tuple(fc.constantFrom('min', 'max'), fc.constantFrom(...MINMAX), direction).map(([fn, c, d]) => ({ gql: `{ ${fn}: { ${c.field}: ${d} } }`, sql: `${fn}(${c.sql}) ${DIRECTIONS[d]}` })),
);

const request: fc.Arbitrary<Request> = fc
  .record({
    grouped: fc.integer({ min: 0, max: 4 }),
    keys: fc.uniqueArray(key, { minLength: 1, maxLength: 2, selector: (k) => k.column.field }),
    where: fc.option(where, { nil: undefined }),
    having: fc.option(having, { nil: undefined }),
    order: fc.array(fc.oneof(aggregateOrder, fc.tuple(fc.nat(1), direction)), { maxLength: 2 }),
    limit: fc.option(fc.integer({ min: 1, max: 60 }), { nil: undefined }),
    offset: fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined }),
    distinct: fc.uniqueArray(fc.constantFrom(C.region, C.mood, C.qty), { minLength: 1, maxLength: 2 }),
  })
  .map(({ grouped, keys, order, ...rest }) => ({
    ...rest,
    keys: grouped === 0 ? null : keys,
    // A key order term names one of the request's keys; it is dropped when that key is absent.
    order: grouped === 0 ? [] : order.flatMap((o) => (Array.isArray(o) ? (keys[o[0]] ? [{ gql: `{ key: { ${keys[o[0]].column.field}: ${o[1]} } }`, sql: `k${o[0]} ${DIRECTIONS[o[1]]}` }] : []) : [o])),
  }));

/** The cells compared per row: [label, gateway path, hand SQL text expression, kind]. */
function cells(req: Request): [string, (g: any) => unknown, string, Kind][] {
  const out: [string, (g: any) => unknown, string, Kind][] = [];
  (req.keys ?? []).forEach((k, i) => {
    const kind: Kind = k.column === C.soldAt ? 'instant' : k.column === C.localAt ? 'local' : k.column.kind;
    out.push([`key.${k.column.field}`, (g) => g.key[k.column.field], textOf(`k${i}`, kind), kind]);
  });
  out.push(['count', (g) => g.count, 'count(*)::text', 'number']);
  const distinctSql = req.distinct.length === 1 ? req.distinct[0].sql : req.distinct.map((c) => `${c.sql}::text`).join(` || '|' || `);
  out.push(['countDistinct', (g) => g.countDistinct, `count(DISTINCT ${distinctSql})::text`, 'number']);
  for (const fn of ['sum', 'avg']) for (const c of SUMS) out.push([`${fn}.${c.field}`, (g) => g[fn][c.field], `${fn}(${c.sql})::text`, c === C.ratio ? 'number' : 'text']);
  for (const fn of ['min', 'max']) for (const c of MINMAX) out.push([`${fn}.${c.field}`, (g) => g[fn][c.field], textOf(`${fn}(${c.sql})`, c.kind), c.kind]);
  return out;
}

function textOf(expr: string, kind: Kind): string {
  if (kind === 'instant') return `(extract(epoch FROM ${expr}) * 1000)::bigint::text`;
  if (kind === 'local') return `replace(${expr}::text, ' ', 'T')`;
  return `${expr}::text`;
}

function normalise(value: unknown, kind: Kind): string | null {
  if (value === null || value === undefined) return null;
  if (kind === 'instant') return String(Date.parse(value as string));
  return String(value);
}

function keyExpr(k: Key): string {
  if (!k.bucket) return k.column.sql;
  const unit = `'${k.bucket.toLowerCase()}'`;
  if (k.column === C.soldOn) return `date_trunc(${unit}, sold_on)::date`;
  if (k.column === C.soldAt) return `date_trunc(${unit}, sold_at, '${k.timeZone ?? 'UTC'}')`;
  return `date_trunc(${unit}, ${k.column.sql})`;
}

function document(req: Request): string {
  const selection = `count countDistinct(columns: [${req.distinct.map((c) => c.field).join(', ')}])
    sum { ${SUMS.map((c) => c.field).join(' ')} } avg { ${SUMS.map((c) => c.field).join(' ')} }
    min { ${MINMAX.map((c) => c.field).join(' ')} } max { ${MINMAX.map((c) => c.field).join(' ')} }`;
  if (!req.keys) return `{ shop { salesAggregate${req.where ? `(where: ${req.where.gql})` : ''} { ${selection} } } }`;
  const by = req.keys.map((k) => `{ column: ${k.column.field}${k.bucket ? `, bucket: ${k.bucket}` : ''}${k.timeZone ? `, timeZone: "${k.timeZone}"` : ''} }`);
  const args = [
    `by: [${by.join(', ')}]`,
    req.where && `where: ${req.where.gql}`,
    req.having && `having: ${req.having.gql}`,
    req.order.length && `orderBy: [${req.order.map((o) => o.gql).join(', ')}]`,
    req.limit !== undefined && `limit: ${req.limit}`,
    req.offset !== undefined && `offset: ${req.offset}`,
  ].filter(Boolean);
  return `{ shop { salesGroupBy(${args.join(', ')}) { key { ${req.keys.map((k) => k.column.field).join(' ')} } ${selection} } } }`;
}

function handSql(req: Request): string {
  const cs = cells(req);
  const keys = req.keys ?? [];
  const select = [...keys.map((k, i) => `${keyExpr(k)} AS k${i}`), ...cs.map(([, , expr], i) => `${expr.replace(/\bk(\d)\b/g, (_, n) => keyExpr(keys[Number(n)]))} AS c${i}`)];
  const parts = [`SELECT ${select.join(', ')} FROM sales`];
  if (req.where) parts.push(`WHERE ${req.where.sql}`);
  if (keys.length) {
    parts.push(`GROUP BY ${keys.map((_, i) => i + 1).join(', ')}`);
    if (req.having) parts.push(`HAVING ${req.having.sql}`);
    const order = [...req.order.map((o) => o.sql)];
    keys.forEach((_, i) => req.order.some((o) => o.sql.startsWith(`k${i} `)) || order.push(`k${i} ASC NULLS LAST`));
    parts.push(`ORDER BY ${order.join(', ')}`);
    parts.push(`LIMIT ${req.limit ?? 20}`);
    if (req.offset) parts.push(`OFFSET ${req.offset}`);
  }
  return parts.join(' ');
}

describe('group-by and aggregate differential', () => {
  it(`answers ${RUNS} generated group-by and aggregate requests exactly as hand-written SQL does`, async () => {
    const requests = fc.sample(request, { seed: SEED, numRuns: RUNS });
    let groups = 0;
    let grouped = 0;
    for (const req of requests) {
      const query = document(req);
      const sqlText = handSql(req);
      const { body } = await gw.graphql(query);
      const context = `request:\n${query}\nhand SQL:\n${sqlText}\nerrors: ${JSON.stringify(body.errors)}`;
      expect(body.errors, context).toBeUndefined();
      const got: any[] = req.keys ? body.data.shop.salesGroupBy : [body.data.shop.salesAggregate];
      const rows = await db.sql(sqlText);
      const cs = cells(req);
      const actual = got.map((g) => Object.fromEntries(cs.map(([label, pick, , kind]) => [label, normalise(pick(g), kind)])));
      const expected = rows.map((r) => Object.fromEntries(cs.map(([label, , , kind], i) => [label, normalise(kind === 'instant' && r[`c${i}`] !== null ? Number(r[`c${i}`]) : r[`c${i}`], kind === 'instant' ? 'number' : kind)])));
      expect(actual, context).toEqual(expected);
      groups += rows.length;
      if (req.keys) grouped++;
    }
    // The generator must reach real groups, not only empty answers.
    expect(grouped).toBeGreaterThan(RUNS / 2);
    expect(groups).toBeGreaterThan(RUNS * 3);
  }, 240_000);

  it(`answers ${RELATION_RUNS} generated lists with relation aggregates, filtered and ordered by them, as hand-written SQL does`, async () => {
    const requests = fc.sample(relationRequest, { seed: SEED, numRuns: RELATION_RUNS });
    let rowsSeen = 0;
    for (const req of requests) {
      const args = [
        req.where && req.filter ? `where: { and: [${req.where.gql}, ${req.filter.gql}] }` : req.where ? `where: ${req.where.gql}` : req.filter ? `where: ${req.filter.gql}` : '',
        `orderBy: [${[...(req.order ? [req.order.gql] : []), '{ id: ASC }'].join(', ')}]`,
        `limit: ${req.limit}`,
      ].filter(Boolean);
      const query = `{ shop { sales(${args.join(', ')}) { id linesAggregate${req.twinWhere ? `(where: ${req.twinWhere.gql})` : ''} { count sum { weight } max { weight } min { tag } } } } }`;
      const tw = req.twinWhere?.sql ?? 'true';
      const sqlText = [
        `SELECT s.id::text AS id, (count(l.id) FILTER (WHERE ${tw}))::text AS count, (sum(l.weight) FILTER (WHERE ${tw}))::text AS sum,`,
        `(max(l.weight) FILTER (WHERE ${tw}))::text AS max, (min(l.tag) FILTER (WHERE ${tw}))::text AS min`,
        `FROM sales s LEFT JOIN lines l ON l.sale_id = s.id`,
        req.where ? `WHERE ${req.where.sql}` : '',
        `GROUP BY s.id`,
        req.filter ? `HAVING coalesce(${req.filter.sql}, false)` : '',
        `ORDER BY ${[...(req.order ? [req.order.sql] : []), 's.id ASC'].join(', ')} LIMIT ${req.limit}`,
      ].join(' ');
      const { body } = await gw.graphql(query);
      const context = `request:\n${query}\nhand SQL:\n${sqlText}\nerrors: ${JSON.stringify(body.errors)}`;
      expect(body.errors, context).toBeUndefined();
      const actual = body.data.shop.sales.map((r: any) => ({
        id: String(r.id),
        count: String(r.linesAggregate.count),
        sum: normalise(r.linesAggregate.sum.weight, 'text'),
        max: normalise(r.linesAggregate.max.weight, 'text'),
        min: normalise(r.linesAggregate.min.tag, 'text'),
      }));
      expect(actual, context).toEqual(await db.sql(sqlText));
      rowsSeen += actual.length;
    }
    expect(rowsSeen).toBeGreaterThan(RELATION_RUNS * 3);
  }, 240_000);
});

interface RelationRequest {
  where?: Cond;
  twinWhere?: Cond;
  /** On the relation's own rows, all of them (hand SQL over the joined lines, unfiltered). */
  filter?: Cond;
  order?: { gql: string; sql: string };
  limit: number;
}

const relationRequest: fc.Arbitrary<RelationRequest> = fc.record({
  where: fc.option(atom, { nil: undefined }),
  twinWhere: fc.option(
    fc.oneof(
      fc.integer({ min: -3, max: 20 }).map((n) => ({ gql: `{ weight: { gt: ${n} } }`, sql: `l.weight > ${n}` })),
      fc.constantFrom('a', 'b').map((t) => ({ gql: `{ tag: { eq: "${t}" } }`, sql: `l.tag = '${t}'` })),
    ),
    { nil: undefined },
  ),
  filter: fc.option(
    fc.oneof(
      fc.integer({ min: 0, max: 5 }).map((n) => ({ gql: `{ linesAggregate: { count: { gt: ${n} } } }`, sql: `count(l.id) > ${n}` })),
      fc.integer({ min: -5, max: 60 }).map((n) => ({ gql: `{ linesAggregate: { sum: { weight: { gte: "${n}" } } } }`, sql: `sum(l.weight) >= ${n}` })),
      fc.integer({ min: 0, max: 20 }).map((n) => ({ gql: `{ not: { linesAggregate: { max: { weight: { lt: ${n} } } } } }`, sql: `NOT coalesce(max(l.weight) < ${n}, false)` })),
    ),
    { nil: undefined },
  ),
  order: fc.option(
    fc.oneof(
      direction.map((d) => ({ gql: `{ linesAggregate: { count: ${d} } }`, sql: `count(l.id) ${DIRECTIONS[d]}` })),
      fc.tuple(fc.constantFrom('sum', 'avg', 'max'), direction).map(([fn, d]) => ({ gql: `{ linesAggregate: { ${fn}: { weight: ${d} } } }`, sql: `${fn}(l.weight) ${DIRECTIONS[d]}` })),
    ),
    { nil: undefined },
  ),
  limit: fc.integer({ min: 1, max: 20 }),
});
