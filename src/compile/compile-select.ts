import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, sql, type RawBuilder } from 'kysely';
import type { ColumnModel, RelationModel } from '../naming/index.js';
import { aggregateOrderValue, relationAggregateCondition, relationAggregateValue } from './compile-aggregate.js';
import type { Condition, ConnectionPlan, FieldPlan, ListOrderTerm, OrderTerm, SelectPlan } from './plan.js';

/** A Kysely that only compiles: no driver, no connection (as kysely's own tests do). */
export const compiler = new Kysely<unknown>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

export interface CompiledQuery {
  sql: string;
  parameters: readonly unknown[];
}

type Sql = RawBuilder<unknown>;

/** Hands out table aliases t0, t1, … for one statement. */
export class Aliases {
  private n = 0;
  next(): string {
    return `t${this.n++}`;
  }
}

// NOTE: json_build_object takes at most 100 arguments; wider rows are merged as jsonb.
const PAIRS_PER_CALL = 50;

export const col = (alias: string, column: ColumnModel): Sql => sql.id(alias, column.column.name);
export const tableRef = (plan: { table: { table: { schema: string; name: string } } }): Sql =>
  sql.id(plan.table.table.schema, plan.table.table.name);

/** A column as it goes into json: int8 / numeric and unknown types as text so nothing is rounded. */
export function jsonValue(alias: string, column: ColumnModel): Sql {
  const ref = col(alias, column);
  if (!column.castToText) return ref;
  return column.column.isArray ? sql`${ref}::text[]` : sql`${ref}::text`;
}

function fieldValue(field: FieldPlan, alias: string, aliases: Aliases): Sql {
  switch (field.kind) {
    case 'column':
      return jsonValue(alias, field.column);
    case 'constant':
      return sql`${sql.lit(field.value)}::text`;
    case 'remote':
      return sql`json_build_array(${sql.join(field.columns.map((c) => sql`${col(alias, c)}::text`))})`;
    case 'relation': {
      const inner = aliases.next();
      const { relation, select } = field;
      const link = relationLink(relation, inner, alias);
      if (!relation.many) {
        return sql`(select ${rowObject(select, inner, aliases)} from ${tableRef(select)} as ${sql.id(inner)} where ${link})`;
      }
      return jsonArray(selectRows(select, inner, aliases, { link }));
    }
    case 'aggregate':
      return relationAggregateValue(field, alias, aliases);
  }
}

/** json_build_object(alias, value, …) for one row of `plan`. */
export function rowObject(plan: SelectPlan, alias: string, aliases: Aliases): Sql {
  if (plan.fields.length === 0) return sql`'{}'::json`;
  // SECURITY: keys are GraphQL response names ([_A-Za-z][_0-9A-Za-z]*, checked by the parser), safe as literals.
  const pairs = plan.fields.map((f) => sql`${sql.lit(f.kind === 'remote' ? f.keyAlias : f.alias)}::text, ${fieldValue(f, alias, aliases)}`);
  if (pairs.length <= PAIRS_PER_CALL) return sql`json_build_object(${sql.join(pairs)})`;
  const chunks: Sql[] = [];
  for (let i = 0; i < pairs.length; i += PAIRS_PER_CALL) chunks.push(sql`jsonb_build_object(${sql.join(pairs.slice(i, i + PAIRS_PER_CALL))})`);
  return sql`(${sql.join(chunks, sql` || `)})::json`;
}

/** Wraps a `select … as o` into one json array value, keeping the subquery's order. */
export function jsonArray(rows: Sql): Sql {
  return sql`(select coalesce(json_agg(__r.o), '[]'::json) from (${rows}) as __r)`;
}

/** `inner.<target columns> = outer.<columns>`: a relation's join condition. */
export function relationLink(relation: RelationModel, inner: string, outer: string): Sql {
  return sql.join(
    relation.targetColumns.map((target, i) => sql`${sql.id(inner, target)} = ${sql.id(outer, relation.columns[i])}`),
    sql` and `,
  );
}

/** `left <op> v` for the ordering comparisons; the operator comes from this fixed list, never from input. */
export function orderedComparison(left: Sql, cmp: 'eq' | 'neq' | 'gt' | 'gte' | 'lt' | 'lte', v: Sql): Sql {
  switch (cmp) {
    case 'eq': return sql`${left} = ${v}`;
    case 'neq': return sql`${left} <> ${v}`;
    case 'gt': return sql`${left} > ${v}`;
    case 'gte': return sql`${left} >= ${v}`;
    case 'lt': return sql`${left} < ${v}`;
    case 'lte': return sql`${left} <= ${v}`;
  }
}

function comparison(ref: Sql, cond: Extract<Condition, { op: 'cmp' }>): Sql {
  const json = cond.column.scalar === 'JSON';
  // SECURITY: values are always bound parameters; only operators from this fixed list are spliced.
  const v = json ? sql`${JSON.stringify(cond.value)}::jsonb` : sql`${cond.value}`;
  const left = json ? sql`${ref}::jsonb` : ref;
  switch (cond.cmp) {
    case 'eq':
    case 'neq':
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return orderedComparison(left, cond.cmp, v);
    case 'like': return sql`${ref} like ${v}`;
    case 'ilike': return sql`${ref} ilike ${v}`;
    case 'contains': return sql`${left} @> ${v}`;
    case 'in': return sql`${ref} = any(${cond.value})`;
    case 'nin': return sql`not (${ref} = any(${cond.value}))`;
  }
}

/** A Condition as SQL over the row alias `alias`. */
export function conditionSql(cond: Condition, alias: string, aliases: Aliases): Sql {
  switch (cond.op) {
    case 'and':
    case 'or':
      if (cond.items.length === 0) return cond.op === 'and' ? sql`true` : sql`false`;
      return sql`(${sql.join(cond.items.map((c) => conditionSql(c, alias, aliases)), cond.op === 'and' ? sql` and ` : sql` or `)})`;
    case 'not':
      return sql`not ${conditionSql(cond.item, alias, aliases)}`;
    case 'isNull':
      return cond.isNull ? sql`${col(alias, cond.column)} is null` : sql`${col(alias, cond.column)} is not null`;
    case 'cmp':
      return comparison(col(alias, cond.column), cond);
    case 'exists': {
      const inner = aliases.next();
      const { relation } = cond;
      const target = sql.id(relation.target.table.schema, relation.target.table.name);
      return sql`exists (select 1 from ${target} as ${sql.id(inner)} where ${relationLink(relation, inner, alias)} and ${conditionSql(cond.where, inner, aliases)})`;
    }
    case 'relationAggregate':
      return relationAggregateCondition(cond, alias, aliases);
  }
}

export function orderSql(terms: readonly ListOrderTerm[], alias: string, reverse = false): Sql {
  return sql.join(
    terms.map((t, i) => {
      const desc = t.descending !== reverse;
      const nullsFirst = t.nullsFirst !== reverse;
      // NOTE: `<alias>_o<i>` cannot clash with the Aliases counter's t0, t1, ….
      const value = 'aggregate' in t ? aggregateOrderValue(t, alias, `${alias}_o${i}`) : col(alias, t.column);
      return sql`${value} ${sql.raw(desc ? 'desc' : 'asc')} ${sql.raw(nullsFirst ? 'nulls first' : 'nulls last')}`;
    }),
  );
}

export interface RowsOptions {
  /** Join condition to the parent row (nested relations). */
  link?: Sql;
  /** Extra conditions (keyset). */
  extra?: Sql[];
  /** Read from this relation instead of the table (mutation CTEs). */
  from?: Sql;
  /** Extra select-list items after `o`. */
  columns?: Sql[];
  reverse?: boolean;
  limit?: number;
}

/** `select <row json> as o from <table> as alias where … order by … limit … offset …`. */
export function selectRows(plan: SelectPlan, alias: string, aliases: Aliases, options: RowsOptions = {}): Sql {
  const where: Sql[] = [];
  if (options.link) where.push(options.link);
  if (plan.where) where.push(conditionSql(plan.where, alias, aliases));
  if (options.extra) where.push(...options.extra);
  const limit = options.limit ?? plan.limit;
  const head = sql.join([sql`${rowObject(plan, alias, aliases)} as o`, ...(options.columns ?? [])]);
  const whereSql = where.length ? sql` where ${sql.join(where, sql` and `)}` : sql``;
  const orderBy = plan.orderBy.length ? sql` order by ${orderSql(plan.orderBy, alias, options.reverse)}` : sql``;
  const limitSql = limit !== undefined ? sql` limit ${limit}` : sql``;
  const offsetSql = plan.offset ? sql` offset ${plan.offset}` : sql``;
  return sql`select ${head} from ${options.from ?? tableRef(plan)} as ${sql.id(alias)}${whereSql}${orderBy}${limitSql}${offsetSql}`;
}

/** Root list field: one statement, one row, column `data` = json array of row objects. */
export function compileList(plan: SelectPlan): CompiledQuery {
  const aliases = new Aliases();
  return sql`select ${jsonArray(selectRows(plan, aliases.next(), aliases))} as data`.compile(compiler);
}

/** `tByPk`: column `data` = the row object, no row when absent. */
export function compileByPk(plan: SelectPlan): CompiledQuery {
  const aliases = new Aliases();
  const alias = aliases.next();
  return sql`select ${rowObject(plan, alias, aliases)} as data from ${tableRef(plan)} as ${sql.id(alias)} where ${conditionSql(plan.where!, alias, aliases)}`.compile(
    compiler,
  );
}

/** `tAggregate(where) { count }`. */
export function compileCount(plan: SelectPlan): CompiledQuery {
  const aliases = new Aliases();
  const alias = aliases.next();
  const where = plan.where ? sql` where ${conditionSql(plan.where, alias, aliases)}` : sql``;
  return sql`select count(*)::int as count from ${tableRef(plan)} as ${sql.id(alias)}${where}`.compile(compiler);
}

/** Rows strictly after `values` in `terms` order (NULLS placement included). */
function keyset(terms: readonly OrderTerm[], values: readonly unknown[], alias: string, before: boolean): Sql {
  const branches = terms.map((term, i) => {
    const eqs = terms.slice(0, i).map((t, j) => (values[j] === null ? sql`${col(alias, t.column)} is null` : sql`${col(alias, t.column)} = ${values[j]}`));
    const ref = col(alias, term.column);
    const desc = term.descending !== before;
    const nullsFirst = term.nullsFirst !== before;
    const v = values[i];
    const step = v === null ? (nullsFirst ? sql`${ref} is not null` : sql`false`) : nullsFirst
      ? sql`${ref} ${sql.raw(desc ? '<' : '>')} ${v}`
      : sql`(${ref} ${sql.raw(desc ? '<' : '>')} ${v} or ${ref} is null)`;
    return sql`(${sql.join([...eqs, step], sql` and `)})`;
  });
  return sql`(${sql.join(branches, sql` or `)})`;
}

/** `tConnection`: column `data` = { rows: [{ o, c }], totalCount }; one row more than asked tells hasMore. */
export function compileConnection(plan: ConnectionPlan): CompiledQuery {
  const aliases = new Aliases();
  const alias = aliases.next();
  const { select } = plan;
  const extra: Sql[] = [];
  // A relation with nothing orderable has no keyset: its cursors carry no values.
  if (plan.after && select.orderBy.length) extra.push(keyset(select.orderBy, plan.after, alias, false));
  if (plan.before && select.orderBy.length) extra.push(keyset(select.orderBy, plan.before, alias, true));
  const cursor = select.orderBy.length
    ? sql`json_build_array(${sql.join(select.orderBy.map((t) => sql`${col(alias, t.column)}::text`))}) as c`
    : sql`'[]'::json as c`;
  const rows = selectRows(select, alias, aliases, { extra, columns: [cursor], reverse: plan.backward, limit: plan.take + 1 });
  const parts: Sql[] = [sql`'rows', (select coalesce(json_agg(json_build_object('o', __r.o, 'c', __r.c)), '[]'::json) from (${rows}) as __r)`];
  if (plan.totalCount) {
    const countAlias = aliases.next();
    const where = select.where ? sql` where ${conditionSql(select.where, countAlias, aliases)}` : sql``;
    parts.push(sql`'totalCount', (select count(*) from ${tableRef(select)} as ${sql.id(countAlias)}${where})`);
  }
  return sql`select json_build_object(${sql.join(parts)}) as data`.compile(compiler);
}
