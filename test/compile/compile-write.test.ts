import { describe, expect, it } from 'vitest';
import {
  batchStatement,
  compileBatch,
  compileDelete,
  compileInsert,
  compileUpdate,
  conditionFromWhere,
  orderFromArgs,
  type SelectPlan,
} from '../../src/compile/index.js';
import { blogModel, columnOf, field, out, relationOf, returning, tableOf, thrown } from './blog-model.js';

/**
 * The compiler without a database: each test builds the plan the planner would build for the
 * GraphQL shown above it (plans are plain data) and checks the exact SQL and parameters.
 * The statements were also run once against PostgreSQL 17 while writing these tests.
 */

const model = blogModel();
const authors = tableOf(model, 'authors');
const posts = tableOf(model, 'posts');

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
