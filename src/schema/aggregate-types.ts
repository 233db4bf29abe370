import type { GraphQLResolveInfo } from 'graphql';
import {
  avgScalar,
  compileAggregate,
  compileGroupBy,
  groupColumns,
  isTimeColumn,
  memoPlan,
  minMaxColumns,
  planAggregate,
  planGroupBy,
  sumColumns,
  sumScalar,
  TIME_BUCKETS,
  type AggregateArgs,
  type GroupByArgs,
} from '../compile/index.js';
import { aggregateNames, relationAggregates, type ColumnModel, type TableModel } from '../naming/index.js';
import type { AnyRef, Builder, SharedTypes } from './builder.js';
import type { GatewayContext } from './context.js';
import { atField, planContext } from './namespace-query.js';
import { byAlias, orderable, type DatabaseRefs, type TableRefs } from './table-types.js';

/** Refs of one table's aggregate types (issue #13). */
export interface AggregateRefs {
  /** `<Type>AggregateFilter`: conditions on aggregates (`having`, and `where` through a relation). */
  filter: AnyRef;
  /** `<Type>AggregateOrderBy`: order by aggregates (a list by its relation's aggregate). */
  orderBy: AnyRef;
  group: AnyRef;
  groupBy: AnyRef;
  groupOrderBy: AnyRef;
  /** Absent when the table has no column to group by. */
  column?: AnyRef;
}

const aggregateRefs = new WeakMap<TableRefs, AggregateRefs>();
const timeBuckets = new WeakMap<object, AnyRef>();

/** The aggregate refs of a table declared by declareAggregateTypes. */
export function aggregateRefsOf(r: TableRefs): AggregateRefs {
  return aggregateRefs.get(r)!;
}

function timeBucket(b: any): AnyRef {
  let ref = timeBuckets.get(b);
  if (!ref) {
    ref = b.enumType('TimeBucket', {
      description: 'A time series step: the date or time is truncated to the start of its hour, day, ISO week (Monday), month, quarter or year.',
      values: TIME_BUCKETS,
    });
    timeBuckets.set(b, ref);
  }
  return ref;
}

function columnType(c: ColumnModel, refs: DatabaseRefs): AnyRef {
  return c.enum ? refs.enums.get(c.enum)!.type : c.scalar;
}

const objectOf = (b: any, name: string, description: string, columns: ColumnModel[], type: (c: ColumnModel) => AnyRef) =>
  columns.length
    ? b.objectType(name, {
        description,
        fields: (t: any) => Object.fromEntries(columns.map((c) => [c.field, t.field({ type: type(c), nullable: true, resolve: byAlias })])),
      })
    : undefined;

const inputOf = (b: any, name: string, description: string, columns: ColumnModel[], type: (c: ColumnModel) => AnyRef) =>
  columns.length
    ? b.inputType(name, { description, fields: (t: any) => Object.fromEntries(columns.map((c) => [c.field, t.field({ type: type(c), required: false })])) })
    : undefined;

/**
 * Declares, for every table of one database, the aggregate object (count, countDistinct, sum,
 * avg, min, max, nodes), the group type and its inputs, and the aggregate twin of each one-to-many
 * relation. Implements `r.aggregate`, declared by table-types.
 */
export function declareAggregateTypes(builder: Builder, shared: SharedTypes, refs: DatabaseRefs): void {
  const b = builder as any;
  for (const r of refs.tables.values()) {
    const names = aggregateNames(r.model);
    aggregateRefs.set(r, {
      filter: b.inputRef(names.filter),
      orderBy: b.inputRef(names.orderBy),
      group: b.objectRef(names.group),
      groupBy: b.inputRef(names.bucketKey),
      groupOrderBy: b.inputRef(names.groupOrderBy),
    });
  }
  for (const r of refs.tables.values()) implementAggregates(b, shared, refs, r);
}

function implementAggregates(b: any, shared: SharedTypes, refs: DatabaseRefs, r: TableRefs): void {
  const table = r.model;
  const names = aggregateNames(table);
  const a = aggregateRefs.get(r)!;
  const what = table.table.name;
  const sums = sumColumns(table);
  const minMax = minMaxColumns(table);
  const groupable = groupColumns(table);
  if (groupable.length) {
    a.column = b.enumType(names.column, {
      description: `Columns of ${what} to group by or count distinct values of.`,
      values: Object.fromEntries(groupable.map((c) => [c.field, { value: c.field }])),
    });
  }
  const sumType = objectOf(b, names.sum, `Sums of ${what}'s number columns (exact: integers as BigInt, numeric as BigDecimal); null over no rows.`, sums, (c) => sumScalar(c));
  const avgType = objectOf(b, names.avg, `Averages of ${what}'s number columns (exact BigDecimal unless the column is a float); null over no rows.`, sums, (c) => avgScalar(c));
  const minType = objectOf(b, names.min, `Smallest values of ${what}'s columns; null over no rows.`, minMax, (c) => c.scalar);
  const maxType = objectOf(b, names.max, `Largest values of ${what}'s columns; null over no rows.`, minMax, (c) => c.scalar);

  const commonFields = (t: any) => ({
    count: t.int({ description: 'Rows.', resolve: byAlias }),
    ...(a.column
      ? {
          countDistinct: t.int({
            description: 'Distinct combinations of the columns; rows with NULL in any of them are not counted.',
            args: { columns: t.arg({ type: [a.column], required: true }) },
            resolve: byAlias,
          }),
        }
      : {}),
    ...(sumType ? { sum: t.field({ type: sumType, resolve: byAlias }), avg: t.field({ type: avgType, resolve: byAlias }) } : {}),
    ...(minType ? { min: t.field({ type: minType, resolve: byAlias }), max: t.field({ type: maxType, resolve: byAlias }) } : {}),
  });
  r.aggregate.implement({
    description: `Aggregates over rows of ${what}, computed in the same statement as any \`nodes\`.`,
    fields: (t: any) => ({
      ...commonFields(t),
      nodes: t.field({
        type: [r.object],
        description: 'The rows aggregated (same `where`), for a table with its totals.',
        args: {
          orderBy: t.arg({ type: [r.orderBy], required: false }),
          limit: t.arg.int({ required: false, description: 'Rows to return (default and maximum are set by the gateway).' }),
          offset: t.arg.int({ required: false }),
        },
        resolve: byAlias,
      }),
    }),
  });
  const sumFilter = inputOf(b, names.sumFilter, 'Conditions on sums.', sums, (c) => shared.filters[sumScalar(c)]);
  const avgFilter = inputOf(b, names.avgFilter, 'Conditions on averages.', sums, (c) => shared.filters[avgScalar(c)]);
  const minMaxFilter = inputOf(b, names.minMaxFilter, 'Conditions on smallest or largest values.', minMax, (c) => shared.filters[c.scalar]);
  a.filter.implement({
    description: `Conditions on aggregates of ${what} rows; all given ones must hold.`,
    fields: (t: any) => ({
      count: t.field({ type: shared.filters.Int, required: false }),
      ...(sumFilter ? { sum: t.field({ type: sumFilter, required: false }), avg: t.field({ type: avgFilter, required: false }) } : {}),
      ...(minMaxFilter ? { min: t.field({ type: minMaxFilter, required: false }), max: t.field({ type: minMaxFilter, required: false }) } : {}),
      and: t.field({ type: [a.filter], required: false }),
      or: t.field({ type: [a.filter], required: false }),
      not: t.field({ type: a.filter, required: false }),
    }),
  });
  const sumOrder = inputOf(b, names.sumOrderBy, 'Order by a sum or average.', sums, () => shared.orderDirection);
  const minMaxOrder = inputOf(b, names.minMaxOrderBy, 'Order by a smallest or largest value.', minMax, () => shared.orderDirection);
  const aggregateOrderFields = (t: any) => ({
    count: t.field({ type: shared.orderDirection, required: false }),
    ...(sumOrder ? { sum: t.field({ type: sumOrder, required: false }), avg: t.field({ type: sumOrder, required: false }) } : {}),
    ...(minMaxOrder ? { min: t.field({ type: minMaxOrder, required: false }), max: t.field({ type: minMaxOrder, required: false }) } : {}),
  });
  a.orderBy.implement({ description: `Order by aggregates of ${what} rows; one entry per object keeps the order explicit.`, fields: aggregateOrderFields });
  if (a.column) implementGroup(b, shared, refs, r, a, commonFields, aggregateOrderFields);
  declareTwins(b, refs, r);
}

function implementGroup(b: any, shared: SharedTypes, refs: DatabaseRefs, r: TableRefs, a: AggregateRefs, commonFields: (t: any) => object, aggregateOrderFields: (t: any) => object): void {
  const table = r.model;
  const names = aggregateNames(table);
  const what = table.table.name;
  const groupable = groupColumns(table);
  const keyType = b.objectType(names.groupKey, {
    description: `The key of a group of ${what}: the grouped columns (a bucketed date or time is its bucket's start); the others are not selectable.`,
    fields: (t: any) => Object.fromEntries(groupable.map((c) => [c.field, t.field({ type: columnType(c, refs), nullable: true, resolve: byAlias })])),
  });
  a.group.implement({
    description: `One group of ${what} rows: its key and aggregates.`,
    fields: (t: any) => ({ key: t.field({ type: keyType, resolve: byAlias }), ...commonFields(t) }),
  });
  {
    a.groupBy.implement({
      description: `A group key: a column of ${what}, optionally bucketed when it is a date or time.`,
      fields: (t: any) => ({
        column: t.field({ type: a.column, required: true }),
        bucket: t.field({ type: timeBucket(b), required: false, description: `Only for ${groupable.filter(isTimeColumn).map((c) => c.field).join(', ') || 'date and time columns'}.` }),
        timeZone: t.string({ required: false, description: 'IANA time zone of the buckets of a timestamptz column (default UTC).' }),
      }),
    });
  }
  const keyOrder = inputOf(b, names.groupKeyOrderBy, 'Order by group keys.', groupable.filter(orderable), () => shared.orderDirection);
  a.groupOrderBy.implement({
    description: `Order of ${what} groups, by key or aggregate; the keys (ascending) break ties.`,
    fields: (t: any) => ({ ...(keyOrder ? { key: t.field({ type: keyOrder, required: false }) } : {}), ...aggregateOrderFields(t) }),
  });
}

/** `<relation>Aggregate(where)` on the object type, for each one-to-many relation. */
function declareTwins(b: any, refs: DatabaseRefs, r: TableRefs): void {
  const twins = relationAggregates(r.model);
  if (twins.size) {
    b.objectFields(r.object, (t: any) =>
      Object.fromEntries(
        [...twins].map(([field, rel]) => {
          const target = refs.tables.get(rel.target)!;
          return [
            field,
            t.field({
              type: target.aggregate,
              description: `Aggregates of the ${rel.target.table.name} rows of ${rel.field}, in this row's statement.`,
              args: { where: t.arg({ type: target.filter, required: false }) },
              resolve: byAlias,
            }),
          ];
        }),
      ),
    );
  }
}

/** `where` fields of a table's filter for its relations' aggregates: `{ sdBacklogMapAggregate: { count: { gt: 5 } } }`. */
export function relationAggregateFilterFields(t: any, refs: DatabaseRefs, table: TableModel): Record<string, unknown> {
  return Object.fromEntries(
    [...relationAggregates(table)].map(([field, rel]) => [field, t.field({ type: aggregateRefs.get(refs.tables.get(rel.target)!)!.filter, required: false })]),
  );
}

/** `orderBy` fields of a table for its relations' aggregates: `{ sdBacklogMapAggregate: { count: DESC } }` (lists only). */
export function relationAggregateOrderFields(t: any, refs: DatabaseRefs, table: TableModel): Record<string, unknown> {
  return Object.fromEntries(
    [...relationAggregates(table)].map(([field, rel]) => [field, t.field({ type: aggregateRefs.get(refs.tables.get(rel.target)!)!.orderBy, required: false })]),
  );
}

async function resolveAggregate(table: TableModel, args: AggregateArgs, ctx: GatewayContext, info: GraphQLResolveInfo) {
  const query = memoPlan(info.schema, info, () => compileAggregate(planAggregate(table, info.fieldNodes, args, planContext(info, ctx))));
  const rows = await ctx.read(table.database, query);
  return rows[0].data;
}

async function resolveGroupBy(table: TableModel, args: GroupByArgs, ctx: GatewayContext, info: GraphQLResolveInfo) {
  const query = memoPlan(info.schema, info, () => compileGroupBy(planGroupBy(table, info.fieldNodes, args, planContext(info, ctx))));
  const rows = await ctx.read(table.database, query);
  return rows[0].data;
}

/** `tAggregate(where)` and `tGroupBy(by, where, having, orderBy, limit, offset)` of one table, each ONE statement. */
export function aggregateQueryFields(t: any, r: TableRefs): Record<string, unknown> {
  const table = r.model;
  const a = aggregateRefs.get(r)!;
  const what = `${table.table.schema}.${table.table.name}`;
  const fields: Record<string, unknown> = {
    [table.ops.aggregate]: t.field({
      type: r.aggregate,
      nullable: true,
      description: `Aggregates over rows of ${what}; null when its statement fails.`,
      args: { where: t.arg({ type: r.filter, required: false }) },
      resolve: (_p: unknown, args: AggregateArgs, ctx: GatewayContext, info: GraphQLResolveInfo) => atField(table, info, () => resolveAggregate(table, args, ctx, info)),
    }),
  };
  if (a.column) {
    fields[aggregateNames(table).groupBy] = t.field({
      type: [a.group],
      nullable: true,
      description: `Rows of ${what} grouped by \`by\`: one row per group with its key and aggregates (default and maximum group counts are the page limits); null when its statement fails.`,
      args: {
        by: t.arg({ type: [a.groupBy], required: true }),
        where: t.arg({ type: r.filter, required: false }),
        having: t.arg({ type: a.filter, required: false }),
        orderBy: t.arg({ type: [a.groupOrderBy], required: false }),
        limit: t.arg.int({ required: false, description: 'Groups to return (default and maximum are set by the gateway).' }),
        offset: t.arg.int({ required: false }),
      },
      resolve: (_p: unknown, args: GroupByArgs, ctx: GatewayContext, info: GraphQLResolveInfo) => atField(table, info, () => resolveGroupBy(table, args, ctx, info)),
    });
  }
  return fields;
}

