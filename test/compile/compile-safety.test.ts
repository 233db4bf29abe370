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
  type SelectPlan,
} from '../../src/compile/index.js';
import { blogModel, columnOf, field, relationOf, tableOf, thrown } from './blog-model.js';

/**
 * The compiler without a database: each test builds the plan the planner would build for the
 * GraphQL shown above it (plans are plain data) and checks the exact SQL and parameters.
 * The statements were also run once against PostgreSQL 17 while writing these tests.
 */

const model = blogModel();
const posts = tableOf(model, 'posts');

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
