import { sql, type RawBuilder } from 'kysely';
import type { ColumnModel } from '../naming/index.js';
import { avgScalar, sumScalar } from './aggregate-columns.js';
import type { AggregateExpr, AggregateField, AggregateOrderTerm, AggregatePlan, GroupByPlan, GroupKey, HavingCondition } from './aggregate-plan.js';
import { Aliases, col, compiler, conditionSql, jsonArray, orderedComparison, relationLink, selectRows, tableRef, type CompiledQuery } from './compile-select.js';
import type { BatchQuery } from './compile-batch.js';
import type { Condition, FieldPlan } from './plan.js';

type Sql = RawBuilder<unknown>;

// NOTE: json_build_object takes at most 100 arguments; wider objects are merged as jsonb.
const PAIRS_PER_CALL = 50;

/** Group key columns inside the grouped subquery; a table column of that name would be shadowed. */
const keyName = (i: number) => `__sy_k${i}`;

/**
 * One aggregate over the rows aliased `alias`. `forJson` casts what json would round or cannot
 * show exactly to text (integer sums, numeric sums and averages, int8 / numeric min and max).
 */
export function aggregateExprSql(expr: AggregateExpr, alias: string, forJson: boolean): Sql {
  switch (expr.fn) {
    case 'count':
      return sql`count(*)::int`;
    case 'countDistinct': {
      const refs = expr.columns.map((c) => col(alias, c));
      if (refs.length === 1) return sql`count(distinct ${refs[0]})::int`;
      return sql`(count(distinct (${sql.join(refs)})) filter (where ${sql.join(refs.map((r) => sql`${r} is not null`), sql` and `)}))::int`;
    }
    case 'sum':
    case 'avg': {
      const value = sql`${sql.raw(expr.fn)}(${col(alias, expr.column)})`;
      const scalar = expr.fn === 'sum' ? sumScalar(expr.column) : avgScalar(expr.column);
      return forJson && scalar !== 'Float' ? sql`${value}::text` : value;
    }
    case 'min':
    case 'max': {
      const value = sql`${sql.raw(expr.fn)}(${col(alias, expr.column)})`;
      return forJson && expr.column.castToText ? sql`${value}::text` : value;
    }
  }
}

function buildObject(pairs: Sql[]): Sql {
  if (pairs.length <= PAIRS_PER_CALL) return sql`json_build_object(${sql.join(pairs.length ? pairs : [sql``])})`;
  const chunks: Sql[] = [];
  for (let i = 0; i < pairs.length; i += PAIRS_PER_CALL) chunks.push(sql`jsonb_build_object(${sql.join(pairs.slice(i, i + PAIRS_PER_CALL))})`);
  return sql`(${sql.join(chunks, sql` || `)})::json`;
}

/** How the `nodes` of an aggregate find their rows: none (root) or linked to the parent row. */
type NodesLink = ((inner: string) => Sql) | undefined;

/** json_build_object of an aggregate selection over the rows aliased `alias`. */
function aggregateObject(fields: readonly AggregateField[], alias: string, aliases: Aliases, link: NodesLink): Sql {
  // SECURITY: keys are GraphQL response names ([_A-Za-z][_0-9A-Za-z]*, checked by the parser), safe as literals.
  const pairs = fields.map((f) => sql`${sql.lit(f.alias)}::text, ${aggregateValue(f, alias, aliases, link)}`);
  if (pairs.length === 0) return sql`'{}'::json`;
  return buildObject(pairs);
}

function aggregateValue(field: AggregateField, alias: string, aliases: Aliases, link: NodesLink): Sql {
  switch (field.kind) {
    case 'value':
      return aggregateExprSql(field.expr, alias, true);
    case 'constant':
      return sql`${sql.lit(field.value)}::text`;
    case 'object':
      return aggregateObject(field.fields, alias, aliases, link);
    case 'key':
      return field.asText ? sql`${sql.id(alias, keyName(field.index))}::text` : sql.id(alias, keyName(field.index));
    case 'nodes': {
      // NOTE: the rows are read by their own (uncorrelated or parent-linked) subquery, legal inside the aggregate select.
      const inner = aliases.next();
      return jsonArray(selectRows(field.select, inner, aliases, { link: link?.(inner) }));
    }
  }
}

/** `(select <aggregates> from target where link and where)`: the aggregate twin of a relation, one row per parent. */
export function relationAggregateValue(field: Extract<FieldPlan, { kind: 'aggregate' }>, parent: string, aliases: Aliases): Sql {
  const { relation, aggregate } = field;
  const inner = aliases.next();
  const where = [relationLink(relation, inner, parent)];
  if (aggregate.where) where.push(conditionSql(aggregate.where, inner, aliases));
  const object = aggregateObject(aggregate.fields, inner, aliases, (nodes) => relationLink(relation, nodes, parent));
  return sql`(select ${object} from ${tableRef(aggregate)} as ${sql.id(inner)} where ${sql.join(where, sql` and `)})`;
}

function comparison(left: Sql, cond: Extract<HavingCondition, { op: 'cmp' }>): Sql {
  // SECURITY: values are bound parameters; operators come from this fixed list.
  const v = sql`${cond.value}`;
  switch (cond.cmp) {
    case 'eq':
    case 'neq':
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return orderedComparison(left, cond.cmp, v);
    case 'in': return sql`${left} = any(${cond.value})`;
    case 'nin': return sql`not (${left} = any(${cond.value}))`;
    default: throw new Error(`[compile] ${cond.cmp} does not apply to aggregates`);
  }
}

/** A condition on aggregates of the rows aliased `alias`. */
export function havingSql(cond: HavingCondition, alias: string): Sql {
  switch (cond.op) {
    case 'and':
    case 'or':
      if (cond.items.length === 0) return cond.op === 'and' ? sql`true` : sql`false`;
      return sql`(${sql.join(cond.items.map((c) => havingSql(c, alias)), cond.op === 'and' ? sql` and ` : sql` or `)})`;
    case 'not':
      return sql`not ${havingSql(cond.item, alias)}`;
    case 'isNull':
      return sql`${aggregateExprSql(cond.expr, alias, false)} ${sql.raw(cond.isNull ? 'is null' : 'is not null')}`;
    case 'cmp':
      return comparison(aggregateExprSql(cond.expr, alias, false), cond);
  }
}

/** `where: { sdBacklogMapAggregate: { count: { gt: 5 } } }`: the linked rows' aggregates, as one boolean subquery. */
export function relationAggregateCondition(cond: Extract<Condition, { op: 'relationAggregate' }>, parent: string, aliases: Aliases): Sql {
  const inner = aliases.next();
  const { relation } = cond;
  const target = sql.id(relation.target.table.schema, relation.target.table.name);
  return sql`coalesce((select ${havingSql(cond.having, inner)} from ${target} as ${sql.id(inner)} where ${relationLink(relation, inner, parent)}), false)`;
}

/** The value a list is ordered by for an aggregate term; `inner` must be unique in the statement. */
export function aggregateOrderValue(term: AggregateOrderTerm, parent: string, inner: string): Sql {
  const { relation, expr } = term.aggregate;
  const target = sql.id(relation.target.table.schema, relation.target.table.name);
  return sql`(select ${aggregateExprSql(expr, inner, false)} from ${target} as ${sql.id(inner)} where ${relationLink(relation, inner, parent)})`;
}

/** `tAggregate(where) { count sum { … } nodes { … } }`: one statement, one row, column `data`. */
export function compileAggregate(plan: AggregatePlan): CompiledQuery {
  const aliases = new Aliases();
  const alias = aliases.next();
  const where = plan.where ? sql` where ${conditionSql(plan.where, alias, aliases)}` : sql``;
  return sql`select ${aggregateObject(plan.fields, alias, aliases, undefined)} as data from ${tableRef(plan)} as ${sql.id(alias)}${where}`.compile(compiler);
}

const UNITS: Record<NonNullable<GroupKey['bucket']>, string> = { HOUR: 'hour', DAY: 'day', WEEK: 'week', MONTH: 'month', QUARTER: 'quarter', YEAR: 'year' };

function keyExpr(key: GroupKey, alias: string): Sql {
  const ref = col(alias, key.column);
  if (!key.bucket) return ref;
  const unit = sql.lit(UNITS[key.bucket]);
  if (key.column.column.type === 'date') return sql`date_trunc(${unit}, ${ref})::date`;
  if (key.timeZone) return sql`date_trunc(${unit}, ${ref}, ${key.timeZone})`;
  return sql`date_trunc(${unit}, ${ref})`;
}

/**
 * `tGroupBy`: the filtered rows with their key values (`__sy_k0`…) in a subquery, grouped by those
 * keys, filtered by `having`, ordered (the keys break ties) and windowed. Column `data` = json array.
 */
export function compileGroupBy(plan: GroupByPlan): CompiledQuery {
  const aliases = new Aliases();
  const row = aliases.next();
  const g = aliases.next();
  const keyRefs = plan.keys.map((_, i) => sql.id(g, keyName(i)));
  const inner = sql.join([sql`${sql.id(row)}.*`, ...plan.keys.map((k, i) => sql`${keyExpr(k, row)} as ${sql.id(keyName(i))}`)]);
  const where = plan.where ? sql` where ${conditionSql(plan.where, row, aliases)}` : sql``;
  const object = aggregateObject(plan.fields, g, aliases, undefined);
  const ordered = new Set<number>();
  const order: Sql[] = plan.orderBy.map((t) => {
    const value = 'key' in t ? (ordered.add(t.key), keyRefs[t.key]) : aggregateExprSql(t.expr, g, false);
    return sql`${value} ${sql.raw(t.descending ? 'desc' : 'asc')} ${sql.raw(t.nullsFirst ? 'nulls first' : 'nulls last')}`;
  });
  plan.keys.forEach((_, i) => ordered.has(i) || order.push(sql`${keyRefs[i]} asc nulls last`));
  const groupBy = keyRefs.length ? sql` group by ${sql.join(keyRefs)}` : sql``;
  const having = plan.having ? sql` having ${havingSql(plan.having, g)}` : sql``;
  const orderBy = order.length ? sql` order by ${sql.join(order)}` : sql``;
  const offset = plan.offset ? sql` offset ${plan.offset}` : sql``;
  const rows = sql`select ${object} as o from (select ${inner} from ${tableRef(plan)} as ${sql.id(row)}${where}) as ${sql.id(g)}${groupBy}${having}${orderBy} limit ${plan.limit}${offset}`;
  return sql`select ${jsonArray(rows)} as data`.compile(compiler);
}

/**
 * One statement for a batch of parents of a cross-database ARRAY relationship's aggregate twin:
 * for each key tuple (values as text), the aggregates of the matching target rows. Returns one
 * row whose `data` is a json array aligned with the keys. Same key layout as compileBatch.
 *
 * SECURITY: keys cross a database boundary as bound text arrays, cast back to the target column's type.
 */
export function compileAggregateBatch(plan: AggregatePlan, targetColumns: readonly ColumnModel[]): BatchQuery {
  const aliases = new Aliases();
  const alias = aliases.next();
  const keyNames = targetColumns.map((_, i) => `v${i}`);
  // NOTE: the key arrays come first in the text, so they are $1…$n and a compiled batch is reused with new keys.
  const arrays = targetColumns.map(() => sql`${[]}::text[]`);
  const link = (inner: string) =>
    sql.join(
      targetColumns.map((c, i) => sql`${sql.id(inner, c.column.name)} = ${sql.id('k', keyNames[i])}::${sql.id(c.column.typeSchema, c.column.type)}`),
      sql` and `,
    );
  const where = [link(alias)];
  if (plan.where) where.push(conditionSql(plan.where, alias, aliases));
  const value = sql`(select ${aggregateObject(plan.fields, alias, aliases, link)} from ${tableRef(plan)} as ${sql.id(alias)} where ${sql.join(where, sql` and `)})`;
  const columns = sql.join([...keyNames.map((n) => sql.id(n)), sql.id('i')]);
  const compiled = sql`with k as (select * from unnest(${sql.join(arrays)}) with ordinality as k(${columns})) select coalesce(json_agg(${value} order by k.i), '[]'::json) as data from k`.compile(
    compiler,
  );
  return { sql: compiled.sql, rest: compiled.parameters.slice(targetColumns.length), keyColumns: targetColumns.length };
}

/** What an aggregate selection answers over no rows (a parent whose key is NULL): counts 0, the rest null. */
export function emptyAggregate(fields: readonly AggregateField[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    if (f.kind === 'value') out[f.alias] = f.expr.fn === 'count' || f.expr.fn === 'countDistinct' ? 0 : null;
    else if (f.kind === 'object') out[f.alias] = emptyAggregate(f.fields);
    else if (f.kind === 'constant') out[f.alias] = f.value;
    else if (f.kind === 'nodes') out[f.alias] = [];
    else out[f.alias] = null;
  }
  return out;
}
