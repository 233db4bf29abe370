import { describe, expect, it } from 'vitest';
import { compileAggregate, compileGroupBy, compileList, type AggregatePlan, type GroupByPlan } from '../../src/compile/index.js';
import { GatewayError } from '../../src/errors/index.js';
import { relationAggregates } from '../../src/naming/index.js';
import { conditionFromWhere, orderFromArgs } from '../../src/compile/filters.js';
import { blogModel, columnOf, tableOf } from '../compile/blog-model.js';

const model = blogModel();
const authors = tableOf(model, 'authors');
const posts = tableOf(model, 'posts');

function thrown(fn: () => unknown): GatewayError {
  try {
    fn();
  } catch (error) {
    return error as GatewayError;
  }
  throw new Error('expected an error');
}

describe('compileGroupBy', () => {
  it('groups on key expressions computed once in a subquery, bucketing timestamptz in a bound time zone', () => {
    const plan: GroupByPlan = {
      table: posts,
      where: conditionFromWhere(posts, { title: { like: 'a%' } }),
      keys: [{ column: columnOf(posts, 'authorId') }, { column: columnOf(posts, 'publishedAt'), bucket: 'WEEK', timeZone: 'Europe/Paris' }],
      fields: [
        { kind: 'object', alias: 'key', fields: [{ kind: 'key', alias: 'publishedAt', index: 1, asText: false }] },
        { kind: 'value', alias: 'count', expr: { fn: 'count' } },
        { kind: 'object', alias: 'sum', fields: [{ kind: 'value', alias: 'score', expr: { fn: 'sum', column: columnOf(posts, 'score') } }] },
      ],
      having: { op: 'cmp', expr: { fn: 'count' }, cmp: 'gt', value: 2 },
      orderBy: [{ expr: { fn: 'sum', column: columnOf(posts, 'score') }, descending: true, nullsFirst: true }],
      limit: 10,
      offset: 5,
    };
    const { sql, parameters } = compileGroupBy(plan);
    expect(sql).toBe(
      `select (select coalesce(json_agg(__r.o), '[]'::json) from (select json_build_object('key'::text, json_build_object('publishedAt'::text, "t1"."__sy_k1"), 'count'::text, count(*)::int, 'sum'::text, json_build_object('score'::text, sum("t1"."score")::text)) as o ` +
        `from (select "t0".*, "t0"."author_id" as "__sy_k0", date_trunc('week', "t0"."published_at", $1) as "__sy_k1" from "public"."posts" as "t0" where "t0"."title" like $2) as "t1" ` +
        `group by "t1"."__sy_k0", "t1"."__sy_k1" having count(*)::int > $3 order by sum("t1"."score") desc nulls first, "t1"."__sy_k0" asc nulls last, "t1"."__sy_k1" asc nulls last limit $4 offset $5) as __r) as data`,
    );
    expect(parameters).toEqual(['Europe/Paris', 'a%', 2, 10, 5]);
  });
});

describe('aggregates', () => {
  it('keeps sums exact: integers and numeric as text, countDistinct of several columns skipping NULLs', () => {
    const plan: AggregatePlan = {
      table: authors,
      fields: [
        { kind: 'value', alias: 'n', expr: { fn: 'countDistinct', columns: [columnOf(authors, 'name'), columnOf(authors, 'mood')] } },
        { kind: 'value', alias: 's', expr: { fn: 'sum', column: columnOf(authors, 'followers') } },
        { kind: 'value', alias: 'm', expr: { fn: 'max', column: columnOf(authors, 'followers') } },
        { kind: 'value', alias: 'i', expr: { fn: 'min', column: columnOf(authors, 'id') } },
      ],
    };
    expect(compileAggregate(plan).sql).toBe(
      `select json_build_object('n'::text, (count(distinct ("t0"."name", "t0"."mood")) filter (where "t0"."name" is not null and "t0"."mood" is not null))::int, ` +
        `'s'::text, sum("t0"."followers")::text, 'm'::text, max("t0"."followers")::text, 'i'::text, min("t0"."id")) as data from "public"."authors" as "t0"`,
    );
  });

  it('filters and orders a list by a relation aggregate with correlated subqueries in the same statement', () => {
    const twin = relationAggregates(authors).get('postsAggregate')!;
    expect(twin.target).toBe(posts);
    const where = conditionFromWhere(authors, { postsAggregate: { count: { gte: 3 } } });
    const { sql, parameters } = compileList({
      table: authors,
      fields: [{ kind: 'aggregate', alias: 'pa', relation: twin, aggregate: { table: posts, fields: [{ kind: 'value', alias: 'count', expr: { fn: 'count' } }] } }],
      where,
      orderBy: [{ aggregate: { relation: twin, expr: { fn: 'count' } }, descending: true, nullsFirst: false }],
      limit: 5,
    });
    expect(sql).toBe(
      `select (select coalesce(json_agg(__r.o), '[]'::json) from (select json_build_object('pa'::text, (select json_build_object('count'::text, count(*)::int) from "public"."posts" as "t2" where "t2"."author_id" = "t0"."id")) as o ` +
        `from "public"."authors" as "t0" where coalesce((select count(*)::int >= $1 from "public"."posts" as "t1" where "t1"."author_id" = "t0"."id"), false) ` +
        `order by (select count(*)::int from "public"."posts" as "t0_o0" where "t0_o0"."author_id" = "t0"."id") desc nulls last limit $2) as __r) as data`,
    );
    expect(parameters).toEqual([3, 5]);
  });

  it('refuses an empty relation aggregate condition, a sum of a text column and aggregate order on a Connection', () => {
    expect(thrown(() => conditionFromWhere(authors, { postsAggregate: {} })).message).toBe('where.postsAggregate has no condition');
    expect(thrown(() => conditionFromWhere(authors, { postsAggregate: { sum: { title: { gt: '1' } } } })).message).toBe('where.postsAggregate.sum: Blog_Posts has no column "title" that sum takes');
    expect(thrown(() => conditionFromWhere(authors, { postsAggregate: { count: {} } })).message).toBe('where.postsAggregate.count has no comparison');
    expect(thrown(() => orderFromArgs(authors, [{ postsAggregate: { count: 'DESC' } }])).message).toBe('orderBy.postsAggregate: a Connection is ordered by columns only');
  });
});
