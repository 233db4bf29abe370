import type { ColumnModel, RelationModel, TableModel } from '../naming/index.js';
import type { ComparisonOp, Condition, SelectPlan } from './plan.js';

/** Aggregate functions that take one column. */
export type ColumnAggregate = 'sum' | 'avg' | 'min' | 'max';

/** One aggregate value over a set of rows. */
export type AggregateExpr =
  | { fn: 'count' }
  /** Distinct combinations of the columns; a row with NULL in any of them is not counted. */
  | { fn: 'countDistinct'; columns: ColumnModel[] }
  | { fn: ColumnAggregate; column: ColumnModel };

/** A condition on aggregates (`having`, and `where` through a relation's aggregate). */
export type HavingCondition =
  | { op: 'and' | 'or'; items: HavingCondition[] }
  | { op: 'not'; item: HavingCondition }
  | { op: 'cmp'; expr: AggregateExpr; cmp: ComparisonOp; value: unknown }
  | { op: 'isNull'; expr: AggregateExpr; isNull: boolean };

/** The json shape of an aggregate selection, by response name. */
export type AggregateField =
  | { kind: 'value'; alias: string; expr: AggregateExpr }
  /** `sum { … }`, `avg { … }`, `key { … }`: a nested object. */
  | { kind: 'object'; alias: string; fields: AggregateField[] }
  | { kind: 'constant'; alias: string; value: string }
  /** The rows themselves, beside their aggregates (same `where`). */
  | { kind: 'nodes'; alias: string; select: SelectPlan }
  /** A group key value: the index into GroupByPlan.keys; int8 / numeric keys go as text. */
  | { kind: 'key'; alias: string; index: number; asText: boolean };

/** `tAggregate(where)` or a relation's aggregate twin. */
export interface AggregatePlan {
  table: TableModel;
  where?: Condition;
  fields: AggregateField[];
}

export const TIME_BUCKETS = ['HOUR', 'DAY', 'WEEK', 'MONTH', 'QUARTER', 'YEAR'] as const;
export type TimeBucket = (typeof TIME_BUCKETS)[number];

/** One `by` entry: a column, optionally truncated to a time bucket in a time zone. */
export interface GroupKey {
  column: ColumnModel;
  bucket?: TimeBucket;
  /** IANA name, only for timestamptz buckets (default UTC). */
  timeZone?: string;
}

export type GroupOrderTerm =
  | { key: number; descending: boolean; nullsFirst: boolean }
  | { expr: AggregateExpr; descending: boolean; nullsFirst: boolean };

/** `tGroupBy(by, where, having, orderBy, limit, offset)`: one row per group. */
export interface GroupByPlan extends AggregatePlan {
  keys: GroupKey[];
  having?: HavingCondition;
  /** Asked order; the keys follow as tie-breakers (ascending, nulls last). */
  orderBy: GroupOrderTerm[];
  limit: number;
  offset?: number;
}

/** A list ordered by an aggregate of its one-to-many relation (`{ sdBacklogMapAggregate: { count: DESC } }`). */
export interface AggregateOrderTerm {
  aggregate: { relation: RelationModel; expr: AggregateExpr };
  descending: boolean;
  nullsFirst: boolean;
}
