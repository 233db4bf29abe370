import { describe, expect, it } from 'vitest';
import { compileByPkText, compileListText, textSupport, unmarkJsonb, type SelectPlan } from '../../src/compile/index.js';
import { blogModel, columnOf, field, relationOf, tableOf } from './blog-model.js';

const model = blogModel();
const authors = tableOf(model, 'authors');
const posts = tableOf(model, 'posts');

describe('Postgres-built JSON text (fast path)', () => {
  it('builds one statement of records named by response names; enums as their GraphQL names, labels bound', () => {
    const plan: SelectPlan = {
      table: authors,
      fields: [field(authors, 'id', 'key'), field(authors, 'mood'), { kind: 'relation', alias: 'posts', relation: relationOf(authors, 'posts'), select: { table: posts, fields: [field(posts, 'slug')], orderBy: [], limit: 5 } }],
      orderBy: [{ column: columnOf(authors, 'id'), descending: false, nullsFirst: false }],
      limit: 10,
    };
    const q = compileListText(plan);
    expect(q.sql).toBe(
      'select (select coalesce(array_to_json(array_agg(__r)), \'[]\'::json) from (select "t0"."id" as "key", case "t0"."mood"::text when $1 then $2::text when $3 then $4::text else case when "t0"."mood" is null then null else ($5 || "t0"."mood"::text)::int::text end end as "mood", (select coalesce(array_to_json(array_agg(__r)), \'[]\'::json) from (select "t1"."slug" as "slug" from "public"."posts" as "t1" where "t1"."author_id" = "t0"."id" limit $6) as __r) as "posts" from "public"."authors" as "t0" order by "t0"."id" asc nulls last limit $7) as __r)::text as data',
    );
    expect(q.parameters).toEqual(['sad', 'sad', 'happy', 'happy', 'unknown enum label ', 5, 10]);
    expect(textSupport(plan)).toEqual({ mode: 'verbatim' });
  });

  it('marks jsonb values with TABs and says the text needs them re-serialised', () => {
    const plan: SelectPlan = { table: authors, fields: [field(authors, 'profile')], orderBy: [], where: { op: 'and', items: [] } };
    expect(compileByPkText(plan).sql).toContain(`case when "t0"."profile" is null then null else (E'\\t' || "t0"."profile"::text || E'\\t')::json end as "profile"`);
    expect(textSupport(plan)).toEqual({ mode: 'marked' });
  });

  it('declines cross-database fields and empty selections', () => {
    expect(textSupport({ table: authors, fields: [], orderBy: [] })).toBeUndefined();
    expect(textSupport({ table: authors, fields: [{ kind: 'remote', alias: 'x', keyAlias: '__key_x', columns: [] }], orderBy: [] })).toBeUndefined();
  });

  it('re-serialises only the TAB-marked jsonb values, as JSON.stringify writes them', () => {
    expect(unmarkJsonb('[{"id":1,"m":\t{"a": 1.0, "b": [1e2, "x\\ty"]}\t},{"id":2,"m":\tnull\t}]').toString()).toBe('[{"id":1,"m":{"a":1,"b":[100,"x\\ty"]}},{"id":2,"m":null}]');
    expect(unmarkJsonb('{"s":"no marks"}').toString()).toBe('{"s":"no marks"}');
  });
});
