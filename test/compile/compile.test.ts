import { describe, expect, it } from 'vitest';
import {
  batchStatement,
  compileBatch,
  compileByPk,
  compileConnection,
  compileCount,
  compileDelete,
  compileInsert,
  compileList,
  compileUpdate,
  conditionFromWhere,
  orderFromArgs,
  type CompiledQuery,
  type FieldPlan,
  type SelectPlan,
} from '../../src/compile/index.js';
import { GatewayError } from '../../src/errors/index.js';
import type { TableModel } from '../../src/naming/index.js';
import { blogModel, columnOf, relationOf, tableOf } from './blog-model.js';

/**
 * The compiler without a database: each test builds the plan the planner would build for the
 * GraphQL shown above it (plans are plain data) and checks the exact SQL and parameters.
 * The statements were also run once against PostgreSQL 17 while writing these tests.
 */

const model = blogModel();
const authors = tableOf(model, 'authors');
const posts = tableOf(model, 'posts');

/** `{ sql, parameters }` only: Kysely's compiled query also carries its node tree. */
const out = (q: CompiledQuery) => ({ sql: q.sql, parameters: q.parameters });

const field = (table: TableModel, name: string, alias = name): FieldPlan => ({ kind: 'column', alias, column: columnOf(table, name) });

/** The returning selection of a mutation: `{ <fields> }`. */
const returning = (table: TableModel, ...names: string[]): SelectPlan => ({ table, fields: names.map((n) => field(table, n)), orderBy: [] });

function thrown(fn: () => unknown): GatewayError {
  try {
    fn();
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a GatewayError, nothing was thrown');
}

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

  it('makes an empty and true, an empty or false, and ignores absent and null filters', () => {
    const sqlOf = (where: Record<string, unknown>) => {
      const condition = conditionFromWhere(authors, where);
      return compileCount({ table: authors, fields: [], where: condition, orderBy: [] }).sql;
    };
    expect(sqlOf({ and: [] })).toBe(`select count(*)::int as count from "public"."authors" as "t0" where true`);
    expect(sqlOf({ or: [] })).toBe(`select count(*)::int as count from "public"."authors" as "t0" where false`);
    expect(sqlOf({ name: null, id: undefined, not: null, and: null, posts: null })).toBe(`select count(*)::int as count from "public"."authors" as "t0"`);
    expect(sqlOf({ posts: {} })).toBe(
      `select count(*)::int as count from "public"."authors" as "t0" where exists (select 1 from "public"."posts" as "t1" where "t1"."author_id" = "t0"."id" and true)`,
    );
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

describe('compileInsert, compileUpdate, compileDelete', () => {
  it('inserts several rows, missing columns as DEFAULT, jsonb values as JSON text, with onConflict update', () => {
    // mutation { blog { insertAuthors(objects: [{ name: "Ana", profile: { tags: ["a"], n: 1 } },
    //   { name: "Bo", followers: "9007199254740993", profile: ["x"] }],
    //   onConflict: { constraint: authors_name_key, update: [profile, followers] }) { id profile } } }
    const q = compileInsert(
      returning(authors, 'id', 'profile'),
      [{ name: 'Ana', profile: { tags: ['a'], n: 1 } }, { name: 'Bo', followers: '9007199254740993', profile: ['x'] }],
      { constraint: 'authors_name_key', update: ['profile', 'followers'], doNothing: false },
    );
    expect(out(q)).toEqual({
      sql:
        `with __m as (insert into "public"."authors" as t_ins ("name", "followers", "profile") values ($1, default, $2), ($3, $4, $5) ` +
        `on conflict on constraint "authors_name_key" do update set "profile" = excluded."profile", "followers" = excluded."followers" returning *) ` +
        `select (select coalesce(json_agg(__r.o), '[]'::json) from (select json_build_object('id'::text, "t0"."id", 'profile'::text, "t0"."profile") as o from __m as "t0") as __r) as data`,
      // A JS array for a jsonb column goes as JSON text: pg would otherwise send a Postgres array.
      parameters: ['Ana', '{"tags":["a"],"n":1}', 'Bo', '9007199254740993', '["x"]'],
    });
  });

  it('inserts with on conflict do nothing, a JSON string value and explicit nulls', () => {
    const q = compileInsert(returning(authors, 'id'), [{ name: 'Ana', profile: 'str', mood: null }], { constraint: 'authors_name_key', update: [], doNothing: true });
    expect(out(q)).toEqual({
      sql:
        `with __m as (insert into "public"."authors" as t_ins ("name", "profile", "mood") values ($1, $2, null) on conflict on constraint "authors_name_key" do nothing returning *) ` +
        `select (select coalesce(json_agg(__r.o), '[]'::json) from (select json_build_object('id'::text, "t0"."id") as o from __m as "t0") as __r) as data`,
      parameters: ['Ana', '"str"'],
    });
  });

  it('inserts a row of defaults when no column is given', () => {
    expect(compileInsert(returning(authors, 'id'), [{}]).sql).toMatch(/^with __m as \(insert into "public"\."authors" as t_ins default values returning \*\) /);
  });

  it('refuses empty objects, unknown and generated columns', () => {
    expect(thrown(() => compileInsert(returning(authors, 'id'), [])).message).toBe('insertAuthors: objects is empty');
    expect(thrown(() => compileInsert(returning(authors, 'id'), [{}, {}])).message).toBe('insertAuthors: several rows need at least one column');
    const unknown = thrown(() => compileInsert(returning(authors, 'id'), [{ name: 'a' }, { nope: 1 }]));
    expect([unknown.code, unknown.message]).toEqual(['BAD_USER_INPUT', 'insertAuthors(objects[1]): Blog_Authors has no column "nope"']);
    expect(thrown(() => compileInsert(returning(authors, 'id'), [{ posts: [] }])).message).toBe('insertAuthors(objects[0]): Blog_Authors has no column "posts"');
    const generated = blogModel();
    const t = tableOf(generated, 'authors');
    columnOf(t, 'followers').column.generated = true;
    expect(thrown(() => compileInsert(returning(t, 'id'), [{ followers: '1' }])).message).toBe('insertAuthors(objects[0]): column "followers" is generated and cannot be written');
  });

  it('updates the rows matching where (through a relation), setting JSON as text and nulls inline', () => {
    // mutation { blog { updatePosts(where: { authors: { name: { eq: "Ana" } } }, set: { title: "New", meta: { a: 1 }, publishedAt: null }) {
    //   slug authors { name } } } }
    const q = compileUpdate(
      {
        table: posts,
        fields: [
          field(posts, 'slug'),
          { kind: 'relation', alias: 'authors', relation: relationOf(posts, 'authors'), select: { table: authors, fields: [field(authors, 'name')], orderBy: [] } },
        ],
        orderBy: [],
      },
      conditionFromWhere(posts, { authors: { name: { eq: 'Ana' } } }),
      { title: 'New', meta: { a: 1 }, publishedAt: null },
    );
    expect(out(q)).toEqual({
      sql:
        `with __m as (update "public"."posts" as "u0" set "title" = $1, "meta" = $2, "published_at" = null ` +
        `where exists (select 1 from "public"."authors" as "t0" where "t0"."id" = "u0"."author_id" and "t0"."name" = $3) returning "u0".*) ` +
        `select (select coalesce(json_agg(__r.o), '[]'::json) from (select json_build_object('slug'::text, "t0"."slug", ` +
        `'authors'::text, (select json_build_object('name'::text, "t1"."name") from "public"."authors" as "t1" where "t1"."id" = "t0"."author_id")) as o ` +
        `from __m as "t0") as __r) as data`,
      parameters: ['New', '{"a":1}', 'Ana'],
    });
    expect(thrown(() => compileUpdate(returning(posts, 'slug'), undefined, {})).message).toBe('updatePosts: set names no column');
  });

  it('deletes the rows matching where, and every row for where: {}', () => {
    // mutation { blog { deletePosts(where: { slug: { nin: ["a", "b"] } }) { slug } } }
    expect(out(compileDelete(returning(posts, 'slug'), conditionFromWhere(posts, { slug: { nin: ['a', 'b'] } })))).toEqual({
      sql:
        `with __m as (delete from "public"."posts" as "d0" where not ("d0"."slug" = any($1)) returning "d0".*) ` +
        `select (select coalesce(json_agg(__r.o), '[]'::json) from (select json_build_object('slug'::text, "t0"."slug") as o from __m as "t0") as __r) as data`,
      parameters: [['a', 'b']],
    });
    expect(compileDelete(returning(posts, 'slug'), conditionFromWhere(posts, {})).sql).toMatch(/^with __m as \(delete from "public"\."posts" as "d0" returning "d0"\.\*\) /);
  });
});

describe('compileBatch and batchStatement', () => {
  const keyColumns = [columnOf(posts, 'authorId'), columnOf(posts, 'slug')];

  it('puts the key arrays first ($1..$n), casts keys back to the column types and applies where / order / limit per parent', () => {
    const plan: SelectPlan = {
      table: posts,
      fields: [field(posts, 'title')],
      where: conditionFromWhere(posts, { title: { like: 'T%' } }),
      orderBy: orderFromArgs(posts, [{ slug: 'ASC' }]),
      limit: 5,
    };
    const batch = compileBatch(plan, keyColumns, true);
    const sql =
      `with k as (select * from unnest($1::text[], $2::text[]) with ordinality as k("v0", "v1", "i")) ` +
      `select coalesce(json_agg((select coalesce(json_agg(__r.o), '[]'::json) from (select json_build_object('title'::text, "t0"."title") as o ` +
      `from "public"."posts" as "t0" where "t0"."author_id" = "k"."v0"::"pg_catalog"."int4" and "t0"."slug" = "k"."v1"::"pg_catalog"."text" ` +
      `and "t0"."title" like $3 order by "t0"."slug" asc nulls last limit $4) as __r) order by k.i), '[]'::json) as data from k`;
    expect(batch).toEqual({ sql, rest: ['T%', 5], keyColumns: 2 });
    // One key tuple per parent; the arrays are transposed into one per key column.
    expect(batchStatement(batch, [['1', 'a'], ['2', 'b'], ['3', 'c']])).toEqual({ sql, parameters: [['1', '2', '3'], ['a', 'b', 'c'], 'T%', 5] });
    // The same compiled batch serves the next batch of keys.
    expect(batchStatement(batch, [['9', 'z']])).toEqual({ sql, parameters: [['9'], ['z'], 'T%', 5] });
  });

  it('selects at most one row per key for an object relationship', () => {
    const batch = compileBatch({ table: posts, fields: [field(posts, 'title')], orderBy: [] }, keyColumns, false);
    expect(batch.sql).toBe(
      `with k as (select * from unnest($1::text[], $2::text[]) with ordinality as k("v0", "v1", "i")) ` +
        `select coalesce(json_agg((select json_build_object('title'::text, "t0"."title") from "public"."posts" as "t0" ` +
        `where "t0"."author_id" = "k"."v0"::"pg_catalog"."int4" and "t0"."slug" = "k"."v1"::"pg_catalog"."text" limit 1) order by k.i), '[]'::json) as data from k`,
    );
    expect(batch.rest).toEqual([]);
  });
});

/** The SQL with every quoted identifier and string literal replaced by a placeholder ('' and "" are escapes). */
function outsideQuotes(sql: string): string {
  let rest = '';
  for (let i = 0; i < sql.length; i++) {
    const quote = sql[i];
    if (quote !== "'" && quote !== '"') {
      rest += quote;
      continue;
    }
    let j = i + 1;
    for (;;) {
      if (j >= sql.length) throw new Error(`unterminated ${quote} at ${i} in ${sql}`);
      if (sql[j] === quote && sql[j + 1] === quote) j += 2;
      else if (sql[j] === quote) break;
      else j++;
    }
    rest += quote === '"' ? 'ID' : 'LIT';
    i = j;
  }
  return rest;
}

describe('SECURITY: names are quoted, values are parameters', () => {
  const evil = '"; drop table x; --';
  const evilQuote = "it's'); drop table x; --";
  // Schema, tables, columns and a constraint whose names try to break out of identifiers.
  const hostile = blogModel();
  const a = tableOf(hostile, 'authors');
  const p = tableOf(hostile, 'posts');
  a.table.schema = `sch${evil}`;
  p.table.schema = `sch${evil}`;
  a.table.name = `authors${evil}`;
  columnOf(a, 'name').column.name = `na'me${evil}`;
  columnOf(a, 'id').column.name = `id${evil}`;
  relationOf(p, 'authors').targetColumns[0] = `id${evil}`;
  relationOf(a, 'posts').columns[0] = `id${evil}`;

  const mustNotLeak = (q: { sql: string }) => {
    const rest = outsideQuotes(q.sql);
    expect(rest).not.toMatch(/drop|--|;/i);
    return rest;
  };

  it('quotes hostile schema, table, column names and aliases as identifiers or literals', () => {
    const plan: SelectPlan = {
      table: a,
      fields: [
        { kind: 'column', alias: evilQuote, column: columnOf(a, 'name') },
        { kind: 'constant', alias: '__typename', value: evilQuote },
        { kind: 'relation', alias: evil, relation: relationOf(a, 'posts'), select: { table: p, fields: [field(p, 'slug')], orderBy: [] } },
      ],
      where: conditionFromWhere(a, { name: { eq: evilQuote }, posts: { slug: { like: evil } } }),
      orderBy: orderFromArgs(a, [{ name: 'DESC' }]),
      limit: 1,
    };
    const q = compileList(plan);
    const rest = mustNotLeak(q);
    expect(q.sql).toContain(`"sch""; drop table x; --"."authors""; drop table x; --" as "t0"`);
    expect(q.sql).toContain(`"t0"."na'me""; drop table x; --"`);
    expect(q.sql).toContain(`'it''s''); drop table x; --'::text`);
    expect(q.sql).toContain(`'"; drop table x; --'::text`);
    expect(rest).toContain('ID.ID as ID');
    expect(q.parameters).toEqual([evilQuote, evil, 1]);
  });

  it('binds where values with quotes as parameters, never as SQL text', () => {
    const q = compileCount({ table: posts, fields: [], where: conditionFromWhere(posts, { title: { eq: "O'Brien'; drop table x; --" }, meta: { contains: { k: "'" } } }), orderBy: [] });
    expect(q.sql).toBe(`select count(*)::int as count from "public"."posts" as "t0" where ("t0"."title" = $1 and "t0"."meta"::jsonb @> $2::jsonb)`);
    expect(q.parameters).toEqual(["O'Brien'; drop table x; --", `{"k":"'"}`]);
  });

  it('quotes hostile names in mutations, connections and batches too', () => {
    const ret: SelectPlan = { table: a, fields: [{ kind: 'column', alias: evilQuote, column: columnOf(a, 'id') }], orderBy: [] };
    const where = conditionFromWhere(a, { name: { eq: evil } });
    const queries = [
      compileInsert(ret, [{ name: evil }], { constraint: `c${evil}`, update: [`na'me${evil}`], doNothing: false }),
      compileUpdate(ret, where, { name: evilQuote }),
      compileDelete(ret, where),
      compileByPk({ ...ret, where }),
      compileConnection({ select: { ...ret, orderBy: orderFromArgs(a, [{ name: 'ASC' }, { id: 'DESC' }]) }, take: 1, backward: false, after: [evilQuote, evil], totalCount: true }),
      batchStatement(compileBatch(ret, [columnOf(a, 'name')], false), [[evil]]),
    ];
    for (const q of queries) {
      mustNotLeak(q);
      expect(q.parameters.flat()).toEqual(expect.arrayContaining([expect.stringMatching(/drop table x/)]));
    }
    expect(queries[0].sql).toContain(`on conflict on constraint "c""; drop table x; --" do update set "na'me""; drop table x; --" = excluded."na'me""; drop table x; --"`);
  });
});

describe('filters: conditionFromWhere and orderFromArgs', () => {
  const withRemote = blogModel();
  const t = tableOf(withRemote, 'authors');
  t.fields.set('project', { kind: 'remote', field: 'project', relationship: 'project', many: false, columns: [columnOf(t, 'id')] });

  it('maps a where object to a plain Condition', () => {
    expect(conditionFromWhere(t, { id: { eq: 1 } })).toEqual({ op: 'cmp', column: columnOf(t, 'id'), cmp: 'eq', value: 1 });
    expect(conditionFromWhere(t, { not: { name: { isNull: false } } })).toEqual({ op: 'not', item: { op: 'isNull', column: columnOf(t, 'name'), isNull: false } });
    expect(conditionFromWhere(t, {})).toBeUndefined();
    expect(conditionFromWhere(t, null)).toBeUndefined();
  });

  it('rejects an unknown field with BAD_USER_INPUT, also inside and/or/not and relations', () => {
    for (const where of [{ nope: { eq: 1 } }, { and: [{ nope: { eq: 1 } }] }, { or: [{ id: { eq: 1 } }, { nope: { eq: 1 } }] }, { not: { nope: { eq: 1 } } }]) {
      const error = thrown(() => conditionFromWhere(t, where));
      expect([error.code, error.message, error.extensions.database]).toEqual(['BAD_USER_INPUT', 'where: Blog_Authors has no filterable field "nope"', 'blog']);
    }
    expect(thrown(() => conditionFromWhere(t, { posts: { nope: { eq: 1 } } })).message).toBe('where: Blog_Posts has no filterable field "nope"');
    // A null filter on an unknown field is still an unknown field.
    expect(thrown(() => conditionFromWhere(t, { nope: null })).code).toBe('BAD_USER_INPUT');
  });

  it('rejects a cross-database (remote) field in where', () => {
    const error = thrown(() => conditionFromWhere(t, { project: { id: { eq: 1 } } }));
    expect([error.code, error.message]).toEqual(['BAD_USER_INPUT', 'where: Blog_Authors has no filterable field "project"']);
  });

  it('rejects comparing with null, pointing to isNull', () => {
    const error = thrown(() => conditionFromWhere(t, { name: { eq: null } }));
    expect([error.code, error.message, error.extensions.hint]).toEqual(['BAD_USER_INPUT', 'where.name.eq: null is not a value to compare with', 'use { name: { isNull: true } }']);
  });

  it('orders in list order, keys of one object in written order, with Postgres NULLS defaults', () => {
    const terms = orderFromArgs(t, [{ name: 'ASC', id: 'DESC' }, { followers: 'ASC_NULLS_FIRST' }, { mood: 'DESC_NULLS_LAST' }, { profile: null }]);
    expect(terms.map((o) => [o.column.field, o.descending, o.nullsFirst])).toEqual([
      ['name', false, false],
      ['id', true, true],
      ['followers', false, true],
      ['mood', true, false],
    ]);
    expect(orderFromArgs(t, { id: 'ASC_NULLS_LAST' }).map((o) => [o.column.field, o.descending, o.nullsFirst])).toEqual([['id', false, false]]);
    expect(orderFromArgs(t, undefined)).toEqual([]);
  });

  it('rejects ordering by an unknown field, a relation or a remote field with BAD_USER_INPUT', () => {
    for (const key of ['nope', 'posts', 'project']) {
      const error = thrown(() => orderFromArgs(t, [{ [key]: 'ASC' }]));
      expect([error.code, error.message, error.extensions.database]).toEqual(['BAD_USER_INPUT', `orderBy: Blog_Authors has no column "${key}"`, 'blog']);
    }
  });
});
