import { getArgumentValues, type FieldNode, type GraphQLObjectType, type SelectionSetNode } from 'graphql';
import { GatewayError } from '../errors/index.js';
import { aggregateNames, type TableModel } from '../naming/index.js';
import { groupColumns, minMaxColumns, sumColumns } from './aggregate-columns.js';
import { groupKeysFromArgs, groupOrderFromArgs, havingFromArgs } from './aggregate-args.js';
import type { AggregateField, AggregatePlan, ColumnAggregate, GroupByPlan, GroupKey } from './aggregate-plan.js';
import { collectFields, subSelections } from './collect-fields.js';
import { conditionFromWhere } from './filters.js';
import { checkedLimit, planList, type ListArgs, type PlanContext } from './plan-selection.js';
import type { Condition } from './plan.js';

export interface AggregateArgs {
  where?: Record<string, unknown> | null;
}

export interface GroupByArgs extends AggregateArgs {
  by: Record<string, unknown>[];
  having?: Record<string, unknown> | null;
  orderBy?: unknown;
  limit?: number | null;
  offset?: number | null;
}

const COLUMN_AGGREGATES = new Set<string>(['sum', 'avg', 'min', 'max']);

function fieldDef(ctx: PlanContext, typeName: string, field: string) {
  return (ctx.schema.getType(typeName) as GraphQLObjectType).getFields()[field];
}

/** Inside `sum { … }` and its kin: one value per column field. */
function columnValues(table: TableModel, fn: ColumnAggregate, nodes: readonly FieldNode[], ctx: PlanContext): AggregateField[] {
  const names = aggregateNames(table);
  const allowed = fn === 'sum' || fn === 'avg' ? sumColumns(table) : minMaxColumns(table);
  const out: AggregateField[] = [];
  for (const [alias, fieldNodes] of collectFields(subSelections(nodes), ctx)) {
    const name = fieldNodes[0].name.value;
    if (name === '__typename') {
      out.push({ kind: 'constant', alias, value: names[fn] });
      continue;
    }
    const column = allowed.find((c) => c.field === name);
    if (column) out.push({ kind: 'value', alias, expr: { fn, column } });
  }
  return out;
}

/** `key { … }` of a group: each column must be one of the keys. */
function keyValues(table: TableModel, keys: readonly GroupKey[], nodes: readonly FieldNode[], ctx: PlanContext): AggregateField[] {
  const out: AggregateField[] = [];
  for (const [alias, fieldNodes] of collectFields(subSelections(nodes), ctx)) {
    const name = fieldNodes[0].name.value;
    if (name === '__typename') {
      out.push({ kind: 'constant', alias, value: aggregateNames(table).groupKey });
      continue;
    }
    const index = keys.findIndex((k) => k.column.field === name);
    if (index < 0) {
      throw new GatewayError('BAD_USER_INPUT', `${aggregateNames(table).groupBy}: key.${name} is not grouped`, {
        database: table.database,
        hint: `add { column: ${name} } to by, or leave key.${name} out`,
      });
    }
    const key = keys[index];
    out.push({ kind: 'key', alias, index, asText: !key.bucket && key.column.castToText });
  }
  return out;
}

/**
 * The json shape of an aggregate (or group) selection: count, countDistinct(columns), sum / avg /
 * min / max { columns }, and `nodes` (aggregate) or `key` (group). `where` is the rows' filter,
 * which `nodes` shares.
 */
function aggregateFields(
  table: TableModel,
  typeName: string,
  sets: readonly (SelectionSetNode | undefined)[],
  ctx: PlanContext,
  where: Condition | undefined,
  keys?: readonly GroupKey[],
): AggregateField[] {
  const fields: AggregateField[] = [];
  for (const [alias, nodes] of collectFields(sets, ctx)) {
    const name = nodes[0].name.value;
    if (name === '__typename') fields.push({ kind: 'constant', alias, value: typeName });
    else if (name === 'count') fields.push({ kind: 'value', alias, expr: { fn: 'count' } });
    else if (name === 'countDistinct') {
      const args = getArgumentValues(fieldDef(ctx, typeName, name), nodes[0], ctx.variables) as { columns: string[] };
      const columns = args.columns.map((field) => groupColumns(table).find((c) => c.field === field)!).filter(Boolean);
      if (columns.length === 0) throw new GatewayError('BAD_USER_INPUT', `${typeName}.countDistinct: columns is empty`, { database: table.database, hint: 'name at least one column' });
      fields.push({ kind: 'value', alias, expr: { fn: 'countDistinct', columns: [...new Set(columns)] } });
    } else if (COLUMN_AGGREGATES.has(name)) fields.push({ kind: 'object', alias, fields: columnValues(table, name as ColumnAggregate, nodes, ctx) });
    else if (name === 'key' && keys) fields.push({ kind: 'object', alias, fields: keyValues(table, keys, nodes, ctx) });
    else if (name === 'nodes' && !keys) {
      const args = getArgumentValues(fieldDef(ctx, typeName, name), nodes[0], ctx.variables) as ListArgs;
      const select = planList(table, subSelections(nodes), { ...args, where: undefined }, ctx, `${typeName}.nodes`);
      fields.push({ kind: 'nodes', alias, select: { ...select, where } });
    }
  }
  return fields;
}

/** `tAggregate(where)` or a relation's aggregate twin: aggregates of the rows matching `where`. */
export function planAggregate(table: TableModel, nodes: readonly FieldNode[], args: AggregateArgs, ctx: PlanContext): AggregatePlan {
  const where = conditionFromWhere(table, args.where);
  return { table, where, fields: aggregateFields(table, table.types.aggregate, subSelections(nodes), ctx, where) };
}

/** `tGroupBy(by, where, having, orderBy, limit, offset)`; limit defaults to and is capped by the page limits. */
export function planGroupBy(table: TableModel, nodes: readonly FieldNode[], args: GroupByArgs, ctx: PlanContext): GroupByPlan {
  const names = aggregateNames(table);
  if (args.limit != null && args.limit > ctx.limits.maxLimit) {
    throw new GatewayError('LIMIT_EXCEEDED', `${names.groupBy}(limit) ${args.limit} is above the maximum group count ${ctx.limits.maxLimit}`, {
      database: table.database,
      hint: 'page through the groups with offset, or group by a coarser bucket',
    });
  }
  const keys = groupKeysFromArgs(table, args.by, names.groupBy);
  const where = conditionFromWhere(table, args.where);
  return {
    table,
    where,
    keys,
    fields: aggregateFields(table, names.group, subSelections(nodes), ctx, where, keys),
    having: havingFromArgs(table, args.having),
    orderBy: groupOrderFromArgs(table, keys, args.orderBy),
    limit: checkedLimit(args.limit, ctx.limits, `${names.groupBy}(limit)`, table.database),
    offset: args.offset ? checkedLimit(args.offset, { defaultLimit: 0, maxLimit: Number.MAX_SAFE_INTEGER }, `${names.groupBy}(offset)`, table.database) : undefined,
  };
}
