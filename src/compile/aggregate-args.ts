import { GatewayError } from '../errors/index.js';
import type { ColumnModel, TableModel } from '../naming/index.js';
import { relationAggregates } from '../naming/index.js';
import { groupColumns, isTimeColumn, minMaxColumns, sumColumns } from './aggregate-columns.js';
import {
  TIME_BUCKETS,
  type AggregateExpr,
  type AggregateOrderTerm,
  type ColumnAggregate,
  type GroupKey,
  type GroupOrderTerm,
  type HavingCondition,
  type TimeBucket,
} from './aggregate-plan.js';
import { ORDER_DIRECTIONS } from './filters.js';
import type { ComparisonOp } from './plan.js';

const HAVING_COMPARISONS = new Set(['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'in', 'nin']);
const COLUMN_AGGREGATES: readonly ColumnAggregate[] = ['sum', 'avg', 'min', 'max'];

type Input = Record<string, unknown>;

function fail(table: TableModel, message: string, hint?: string): never {
  throw new GatewayError('BAD_USER_INPUT', message, { database: table.database, hint });
}

/** The columns `fn` accepts on `table` (the schema offers only these; checked again for raw input). */
function columnFor(table: TableModel, fn: ColumnAggregate, field: string, path: string): ColumnModel {
  const allowed = fn === 'sum' || fn === 'avg' ? sumColumns(table) : minMaxColumns(table);
  const column = allowed.find((c) => c.field === field);
  if (!column) fail(table, `${path}: ${table.typeName} has no column "${field}" that ${fn} takes`);
  return column;
}

function comparisons(table: TableModel, expr: AggregateExpr, value: unknown, path: string, out: HavingCondition[]): void {
  if (!value || typeof value !== 'object' || Array.isArray(value)) fail(table, `${path}: expected an object of comparisons such as { gt: … }`);
  const before = out.length;
  for (const [cmp, operand] of Object.entries(value as Input)) {
    if (operand === undefined) continue;
    if (cmp !== 'isNull' && !HAVING_COMPARISONS.has(cmp)) fail(table, `${path}: unknown comparison "${cmp}"`, `use one of ${[...HAVING_COMPARISONS].join(', ')}, isNull`);
    if (operand === null) fail(table, `${path}.${cmp}: null is not a value to compare with`, 'use { isNull: true }');
    out.push(cmp === 'isNull' ? { op: 'isNull', expr, isNull: operand as boolean } : { op: 'cmp', expr, cmp: cmp as ComparisonOp, value: operand });
  }
  // SECURITY: `{ count: {} }` must not read as "no condition".
  if (out.length === before) fail(table, `${path} has no comparison`, `name one of ${[...HAVING_COMPARISONS].join(', ')}, isNull, or leave it out`);
}

/**
 * `having: { count: { gt: 5 }, sum: { priority: { gte: 100 } }, and, or, not }` (field names of
 * `table`) to a HavingCondition; undefined when it names nothing.
 */
export function havingFromArgs(table: TableModel, having: Input | null | undefined, path = 'having'): HavingCondition | undefined {
  if (!having) return undefined;
  const items: HavingCondition[] = [];
  for (const [key, value] of Object.entries(having)) {
    if (value === undefined) continue;
    if (value === null) fail(table, `${path}.${key} is null, which is not a condition`, `leave ${key} out`);
    if (key === 'and' || key === 'or') {
      items.push({ op: key, items: (value as Input[]).map((h, i) => havingFromArgs(table, h, `${path}.${key}[${i}]`) ?? { op: 'and', items: [] }) });
    } else if (key === 'not') {
      items.push({ op: 'not', item: havingFromArgs(table, value as Input, `${path}.not`) ?? { op: 'and', items: [] } });
    } else if (key === 'count') {
      comparisons(table, { fn: 'count' }, value, `${path}.count`, items);
    } else if ((COLUMN_AGGREGATES as readonly string[]).includes(key)) {
      const fn = key as ColumnAggregate;
      for (const [field, cmp] of Object.entries(value as Input)) {
        if (cmp === undefined) continue;
        comparisons(table, { fn, column: columnFor(table, fn, field, `${path}.${key}`) }, cmp, `${path}.${key}.${field}`, items);
      }
    } else {
      fail(table, `${path}: unknown aggregate "${key}"`, 'use count, sum, avg, min, max, and, or, not');
    }
  }
  if (items.length === 0) return undefined;
  return items.length === 1 ? items[0] : { op: 'and', items };
}

/** `{ count: DESC, sum: { priority: ASC } }` to aggregate expressions with direction, in written order. */
export function aggregateOrder(table: TableModel, value: Input, path: string): { expr: AggregateExpr; descending: boolean; nullsFirst: boolean }[] {
  const terms: { expr: AggregateExpr; descending: boolean; nullsFirst: boolean }[] = [];
  const direction = (d: unknown, where: string) => {
    const found = ORDER_DIRECTIONS[d as string];
    if (!found) fail(table, `${where}: unknown direction "${String(d)}"`);
    return found;
  };
  for (const [key, v] of Object.entries(value ?? {})) {
    if (v === undefined || v === null) continue;
    if (key === 'count') {
      terms.push({ expr: { fn: 'count' }, ...direction(v, `${path}.count`) });
    } else if ((COLUMN_AGGREGATES as readonly string[]).includes(key)) {
      const fn = key as ColumnAggregate;
      for (const [field, d] of Object.entries(v as Input)) {
        if (d === undefined || d === null) continue;
        terms.push({ expr: { fn, column: columnFor(table, fn, field, `${path}.${key}`) }, ...direction(d, `${path}.${key}.${field}`) });
      }
    } else {
      fail(table, `${path}: unknown aggregate "${key}"`);
    }
  }
  return terms;
}

/** `orderBy: [{ sdBacklogMapAggregate: { count: DESC } }]` entries of a list, or undefined when `key` is no twin. */
export function relationAggregateOrder(table: TableModel, key: string, value: unknown): AggregateOrderTerm[] | undefined {
  const relation = relationAggregates(table).get(key);
  if (!relation) return undefined;
  return aggregateOrder(relation.target, value as Input, `orderBy.${key}`).map(({ expr, ...dir }) => ({ aggregate: { relation, expr }, ...dir }));
}

const TIME_ZONE = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+){0,2}$/;

/** `by: [{ column: status }, { column: createdAt, bucket: DAY, timeZone: "Europe/Paris" }]`. */
export function groupKeysFromArgs(table: TableModel, by: readonly Input[] | null | undefined, path: string): GroupKey[] {
  const keys: GroupKey[] = [];
  for (const [i, entry] of (by ?? []).entries()) {
    const where = `${path}(by[${i}])`;
    const column = groupColumns(table).find((c) => c.field === entry.column);
    if (!column) fail(table, `${where}: ${table.typeName} has no column "${String(entry.column)}" to group by`);
    if (keys.some((k) => k.column === column)) fail(table, `${where}: ${column.field} is grouped twice`, 'name each column once in by');
    const bucket = (entry.bucket ?? undefined) as TimeBucket | undefined;
    const timeZone = (entry.timeZone ?? undefined) as string | undefined;
    if (bucket !== undefined && !TIME_BUCKETS.includes(bucket)) fail(table, `${where}: unknown bucket "${bucket}"`);
    if (bucket && !isTimeColumn(column)) fail(table, `${where}: ${column.field} is not a date or time, so it takes no bucket`);
    if (timeZone !== undefined) {
      if (!bucket || column.column.type !== 'timestamptz') {
        fail(table, `${where}: timeZone applies only to a bucket of a timestamptz column`, 'leave timeZone out');
      }
      // SECURITY: bound as a parameter anyway; the shape check gives a clear error before Postgres does.
      if (timeZone.length > 64 || !TIME_ZONE.test(timeZone)) fail(table, `${where}: "${timeZone.slice(0, 64)}" is not a time zone name`, 'use an IANA name such as UTC or Europe/Paris');
    }
    keys.push({ column, bucket, timeZone: bucket && column.column.type === 'timestamptz' ? (timeZone ?? 'UTC') : undefined });
  }
  return keys;
}

/** `orderBy: [{ key: { status: ASC } }, { count: DESC }]` of a group-by. */
export function groupOrderFromArgs(table: TableModel, keys: readonly GroupKey[], orderBy: unknown): GroupOrderTerm[] {
  const list = (Array.isArray(orderBy) ? orderBy : orderBy ? [orderBy] : []) as Input[];
  const terms: GroupOrderTerm[] = [];
  for (const item of list) {
    for (const [name, value] of Object.entries(item ?? {})) {
      if (value === undefined || value === null) continue;
      if (name !== 'key') {
        terms.push(...aggregateOrder(table, { [name]: value }, 'orderBy'));
        continue;
      }
      for (const [field, d] of Object.entries(value as Input)) {
        if (d === undefined || d === null) continue;
        const index = keys.findIndex((k) => k.column.field === field);
        if (index < 0) fail(table, `orderBy.key.${field}: ${field} is not a group key`, `add { column: ${field} } to by, or order by an aggregate`);
        const dir = ORDER_DIRECTIONS[d as string];
        if (!dir) fail(table, `orderBy.key.${field}: unknown direction "${String(d)}"`);
        terms.push({ key: index, ...dir });
      }
    }
  }
  return terms;
}
