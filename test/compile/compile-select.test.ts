import { describe, expect, it } from 'vitest';
import {
  compileByPk,
  compileConnection,
  compileCount,
  compileList,
  conditionFromWhere,
  matchesEveryRow,
  orderFromArgs,
  type FieldPlan,
  type SelectPlan,
} from '../../src/compile/index.js';
import { blogModel, columnOf, field, out, relationOf, tableOf } from './blog-model.js';

/**
 * The compiler without a database: each test builds the plan the planner would build for the
 * GraphQL shown above it (plans are plain data) and checks the exact SQL and parameters.
 * The statements were also run once against PostgreSQL 17 while writing these tests.
 */

const model = blogModel();
const authors = tableOf(model, 'authors');
const posts = tableOf(model, 'posts');

describe('compileList', () => {
  it('compiles where (and/or/not, in, like, isNull, jsonb contains, relation exists), order with nulls, limit and offset', () => {
    // blog { authors(
    //   where: { and: [{ name: { like: "A%" } }, { or: [{ id: { in: [1, 2] } }, { not: { followers: { isNull: true } } }] }],
    //            profile: { contains: { tags: ["x"] } }, posts: { title: { ilike: "%it's%" } } },
    //   orderBy: [{ followers: DESC_NULLS_LAST }, { name: ASC_NULLS_FIRST }], limit: 10, offset: 20) { id followers mood } }
    const where = conditionFromWhere(authors, {
      and: [{ name: { like: 'A%' } }, { or: [{ id: { in: [1, 2] } }, { not: { followers: { isNull: true } } }] }],
      profile: { contains: { tags: ['x'] } },
      posts: { title: { ilike: "%it's%" } },
    });
    const orderBy = orderFromArgs(authors, [{ followers: 'DESC_NULLS_LAST' }, { name: 'ASC_NULLS_FIRST' }]);
    const plan: SelectPlan = { table: authors, fields: [field(authors, 'id'), field(authors, 'followers'), field(authors, 'mood')], where, orderBy, limit: 10, offset: 20 };
    expect(out(compileList(plan))).toEqual({
      sql:
        `select (select coalesce(json_agg(__r.o), '[]'::json) from (` +
        `select json_build_object('id'::text, "t0"."id", 'followers'::text, "t0"."followers"::text, 'mood'::text, "t0"."mood") as o ` +
        `from "public"."authors" as "t0" ` +
        `where (("t0"."name" like $1 and ("t0"."id" = any($2) or not "t0"."followers" is null)) ` +
        `and "t0"."profile"::jsonb @> $3::jsonb ` +
        `and exists (select 1 from "public"."posts" as "t1" where "t1"."author_id" = "t0"."id" and "t1"."title" ilike $4)) ` +
        `order by "t0"."followers" desc nulls last, "t0"."name" asc nulls first limit $5 offset $6) as __r) as data`,
      parameters: ['A%', [1, 2], '{"tags":["x"]}', "%it's%", 10, 20],
    });
  });

  it('compares with eq/neq/gt/gte/lt/lte/nin, and JSON values as jsonb', () => {
    const where = conditionFromWhere(authors, {
      id: { gt: 1, lte: 9 },
      name: { neq: 'x', nin: ['a', 'b'] },
      followers: { gte: '10', lt: '20' },
      profile: { eq: { a: 1 } },
    });
    const plan: SelectPlan = { table: authors, fields: [field(authors, 'id')], where, orderBy: [] };
    expect(out(compileList(plan))).toEqual({
      sql:
        `select (select coalesce(json_agg(__r.o), '[]'::json) from (select json_build_object('id'::text, "t0"."id") as o from "public"."authors" as "t0" ` +
        `where ("t0"."id" > $1 and "t0"."id" <= $2 and "t0"."name" <> $3 and not ("t0"."name" = any($4)) and "t0"."followers" >= $5 and "t0"."followers" < $6 ` +
        `and "t0"."profile"::jsonb = $7::jsonb)) as __r) as data`,
      parameters: [1, 9, 'x', ['a', 'b'], '10', '20', '{"a":1}'],
    });
  });

  it('makes an empty and true, an empty or false, and ignores absent filters', () => {
    const sqlOf = (where: Record<string, unknown>) => {
      const condition = conditionFromWhere(authors, where);
      return compileCount({ table: authors, fields: [], where: condition, orderBy: [] }).sql;
    };
    expect(sqlOf({ and: [] })).toBe(`select count(*)::int as count from "public"."authors" as "t0" where true`);
    expect(sqlOf({ or: [] })).toBe(`select count(*)::int as count from "public"."authors" as "t0" where false`);
    expect(sqlOf({ id: undefined })).toBe(`select count(*)::int as count from "public"."authors" as "t0"`);
    expect(sqlOf({ posts: {} })).toBe(
      `select count(*)::int as count from "public"."authors" as "t0" where exists (select 1 from "public"."posts" as "t1" where "t1"."author_id" = "t0"."id" and true)`,
    );
  });

  it('refuses null filters and empty comparisons instead of dropping them (no silent "all rows")', () => {
    for (const where of [{ name: null }, { not: null }, { and: null }, { posts: null }, { name: {} }, { name: { eq: undefined } }, { name: { isNull: null } }]) {
      expect(() => conditionFromWhere(authors, where), JSON.stringify(where)).toThrow(/is null|no comparison|null is not a value/);
    }
  });

  it('tells a condition that matches every row from one that does not', () => {
    expect(matchesEveryRow(conditionFromWhere(authors, {}))).toBe(true);
    expect(matchesEveryRow(conditionFromWhere(authors, { and: [{}, { and: [] }] }))).toBe(true);
    expect(matchesEveryRow(conditionFromWhere(authors, { or: [{ name: { eq: 'a' } }, {}] }))).toBe(true);
    expect(matchesEveryRow(conditionFromWhere(authors, { or: [] }))).toBe(false);
    expect(matchesEveryRow(conditionFromWhere(authors, { name: { eq: 'a' } }))).toBe(false);
    expect(matchesEveryRow(conditionFromWhere(authors, { posts: {} }))).toBe(false);
  });

  it('compiles a nested one-to-many and many-to-one selection into one statement of json subqueries', () => {
    // blog { authors(orderBy: [{ id: ASC }], limit: 100) {
    //   id
    //   recent: posts(where: { title: { neq: "x" } }, orderBy: [{ publishedAt: DESC }], limit: 3) { slug score author: authors { name } }
    //   __typename } }
    const plan: SelectPlan = {
      table: authors,
      fields: [
        field(authors, 'id'),
        {
          kind: 'relation',
          alias: 'recent',
          relation: relationOf(authors, 'posts'),
          select: {
            table: posts,
            fields: [
              field(posts, 'slug'),
              field(posts, 'score'),
              { kind: 'relation', alias: 'author', relation: relationOf(posts, 'authors'), select: { table: authors, fields: [field(authors, 'name')], orderBy: [] } },
            ],
            where: conditionFromWhere(posts, { title: { neq: 'x' } }),
            orderBy: orderFromArgs(posts, [{ publishedAt: 'DESC' }]),
            limit: 3,
          },
        },
        { kind: 'constant', alias: '__typename', value: 'Blog_Authors' },
      ],
      orderBy: orderFromArgs(authors, [{ id: 'ASC' }]),
      limit: 100,
    };
    expect(out(compileList(plan))).toEqual({
      sql:
        `select (select coalesce(json_agg(__r.o), '[]'::json) from (select json_build_object(` +
        `'id'::text, "t0"."id", ` +
        `'recent'::text, (select coalesce(json_agg(__r.o), '[]'::json) from (select json_build_object(` +
        `'slug'::text, "t1"."slug", 'score'::text, "t1"."score"::text, ` +
        `'author'::text, (select json_build_object('name'::text, "t2"."name") from "public"."authors" as "t2" where "t2"."id" = "t1"."author_id")) as o ` +
        `from "public"."posts" as "t1" where "t1"."author_id" = "t0"."id" and "t1"."title" <> $1 order by "t1"."published_at" desc nulls first limit $2) as __r), ` +
        `'__typename'::text, 'Blog_Authors'::text) as o ` +
        `from "public"."authors" as "t0" order by "t0"."id" asc nulls last limit $3) as __r) as data`,
      parameters: ['x', 3, 100],
    });
  });

  it('carries the key columns of a cross-database field as text under its hidden key', () => {
    const withRemote = blogModel();
    const t = tableOf(withRemote, 'authors');
    t.fields.set('project', { kind: 'remote', field: 'project', relationship: 'project', many: false, columns: [columnOf(t, 'id'), columnOf(t, 'name')] });
    const plan: SelectPlan = {
      table: t,
      fields: [{ kind: 'remote', alias: 'p', keyAlias: '__key_p', columns: [columnOf(t, 'id'), columnOf(t, 'name')] }],
      orderBy: [],
    };
    expect(compileList(plan).sql).toBe(
      `select (select coalesce(json_agg(__r.o), '[]'::json) from (select json_build_object('__key_p'::text, json_build_array("t0"."id"::text, "t0"."name"::text)) as o from "public"."authors" as "t0") as __r) as data`,
    );
  });

  it('merges rows wider than 50 fields as jsonb, keeping every field', () => {
    const fields = Array.from({ length: 51 }, (_, i): FieldPlan => ({ kind: 'column', alias: `f${i}`, column: columnOf(authors, 'id') }));
    const { sql } = compileList({ table: authors, fields, orderBy: [] });
    const pairs = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `'f${from + i}'::text, "t0"."id"`).join(', ');
    expect(sql).toContain(`(jsonb_build_object(${pairs(0, 50)}) || jsonb_build_object(${pairs(50, 51)}))::json as o`);
    expect(sql).not.toContain('json_build_object(');
  });

  it('selects an empty object for an empty selection', () => {
    expect(compileList({ table: authors, fields: [], orderBy: [] }).sql).toBe(
      `select (select coalesce(json_agg(__r.o), '[]'::json) from (select '{}'::json as o from "public"."authors" as "t0") as __r) as data`,
    );
  });
});

describe('compileByPk and compileCount', () => {
  it('selects one row by a composite primary key', () => {
    // blog { postsByPk(authorId: 7, slug: "hello") { title } }
    const plan: SelectPlan = {
      table: posts,
      fields: [field(posts, 'title')],
      where: { op: 'and', items: posts.primaryKey.map((column, i) => ({ op: 'cmp', column, cmp: 'eq', value: [7, 'hello'][i] })) },
      orderBy: [],
    };
    expect(out(compileByPk(plan))).toEqual({
      sql: `select json_build_object('title'::text, "t0"."title") as data from "public"."posts" as "t0" where ("t0"."author_id" = $1 and "t0"."slug" = $2)`,
      parameters: [7, 'hello'],
    });
  });

  it('counts the rows matching where', () => {
    // blog { postsAggregate(where: { score: { gte: "1.5" } }) { count } }
    const plan: SelectPlan = { table: posts, fields: [], where: conditionFromWhere(posts, { score: { gte: '1.5' } }), orderBy: [] };
    expect(out(compileCount(plan))).toEqual({
      sql: `select count(*)::int as count from "public"."posts" as "t0" where "t0"."score" >= $1`,
      parameters: ['1.5'],
    });
    expect(out(compileCount({ table: posts, fields: [], orderBy: [] }))).toEqual({ sql: `select count(*)::int as count from "public"."posts" as "t0"`, parameters: [] });
  });
});

describe('compileConnection', () => {
  // Keyset order as planConnection builds it: the asked order, then the primary key.
  const orderBy = [
    { column: columnOf(posts, 'publishedAt'), descending: true, nullsFirst: false },
    { column: columnOf(posts, 'score'), descending: false, nullsFirst: true },
    { column: columnOf(posts, 'authorId'), descending: false, nullsFirst: false },
    { column: columnOf(posts, 'slug'), descending: false, nullsFirst: false },
  ];

  it('pages after a cursor with a keyset predicate that follows each direction and NULLS placement', () => {
    // blog { postsConnection(first: 2, after: <cursor of ["2024-01-01T00:00:00+00", null, "7", "a"]>,
    //   where: { title: { isNull: false } }, orderBy: [{ publishedAt: DESC_NULLS_LAST }, { score: ASC_NULLS_FIRST }]) {
    //   totalCount edges { cursor node { title } } } }
    const q = compileConnection({
      select: { table: posts, fields: [field(posts, 'title')], where: conditionFromWhere(posts, { title: { isNull: false } }), orderBy },
      take: 2,
      backward: false,
      after: ['2024-01-01T00:00:00+00', null, '7', 'a'],
      totalCount: true,
    });
    const t = '2024-01-01T00:00:00+00';
    expect(out(q)).toEqual({
      sql:
        `select json_build_object('rows', (select coalesce(json_agg(json_build_object('o', __r.o, 'c', __r.c)), '[]'::json) from (` +
        `select json_build_object('title'::text, "t0"."title") as o, ` +
        `json_build_array("t0"."published_at"::text, "t0"."score"::text, "t0"."author_id"::text, "t0"."slug"::text) as c ` +
        `from "public"."posts" as "t0" where "t0"."title" is not null and (` +
        // published_at DESC NULLS LAST: after v come smaller values, then NULLs.
        `(("t0"."published_at" < $1 or "t0"."published_at" is null)) or ` +
        // score ASC NULLS FIRST and the cursor's score is NULL: every non-NULL score comes after it.
        `("t0"."published_at" = $2 and "t0"."score" is not null) or ` +
        // A NULL cursor value is matched with `is null` for the later terms.
        `("t0"."published_at" = $3 and "t0"."score" is null and ("t0"."author_id" > $4 or "t0"."author_id" is null)) or ` +
        `("t0"."published_at" = $5 and "t0"."score" is null and "t0"."author_id" = $6 and ("t0"."slug" > $7 or "t0"."slug" is null))) ` +
        `order by "t0"."published_at" desc nulls last, "t0"."score" asc nulls first, "t0"."author_id" asc nulls last, "t0"."slug" asc nulls last ` +
        `limit $8) as __r), ` +
        `'totalCount', (select count(*) from "public"."posts" as "t1" where "t1"."title" is not null)) as data`,
      // One row more than asked (2 + 1) tells whether there is a next page.
      parameters: [t, t, t, '7', t, '7', 'a', 3],
    });
  });

  it('pages backward before a cursor in reversed order, without nulls for ASC NULLS LAST terms', () => {
    // blog { postsConnection(last: 2, before: <cursor of ["7", "a"]>) { edges { node { title } } } }
    const q = compileConnection({
      select: { table: posts, fields: [field(posts, 'title')], orderBy: orderBy.slice(2) },
      take: 2,
      backward: true,
      before: ['7', 'a'],
      totalCount: false,
    });
    expect(out(q)).toEqual({
      sql:
        `select json_build_object('rows', (select coalesce(json_agg(json_build_object('o', __r.o, 'c', __r.c)), '[]'::json) from (` +
        `select json_build_object('title'::text, "t0"."title") as o, json_build_array("t0"."author_id"::text, "t0"."slug"::text) as c ` +
        `from "public"."posts" as "t0" where (("t0"."author_id" < $1) or ("t0"."author_id" = $2 and "t0"."slug" < $3)) ` +
        `order by "t0"."author_id" desc nulls first, "t0"."slug" desc nulls first limit $4) as __r)) as data`,
      parameters: ['7', '7', 'a', 3],
    });
  });

  it('after a NULL in a NULLS LAST term only ties can follow', () => {
    const q = compileConnection({
      select: { table: posts, fields: [], orderBy: [orderBy[0], orderBy[3]] },
      take: 1,
      backward: false,
      after: [null, 'a'],
      totalCount: false,
    });
    expect(q.sql).toContain(`where ((false) or ("t0"."published_at" is null and ("t0"."slug" > $1 or "t0"."slug" is null)))`);
    expect(q.parameters).toEqual(['a', 2]);
  });
});
