import type { FieldNode } from 'graphql';
import type { ColumnModel, RelationModel, TableModel } from '../naming/index.js';

/** A filter in SQL terms, built from a `where` argument. */
export type Condition =
  | { op: 'and' | 'or'; items: Condition[] }
  | { op: 'not'; item: Condition }
  | { op: 'cmp'; column: ColumnModel; cmp: ComparisonOp; value: unknown }
  | { op: 'isNull'; column: ColumnModel; isNull: boolean }
  /** EXISTS (a row of `relation.target` linked to this row and matching `where`). */
  | { op: 'exists'; relation: RelationModel; where: Condition };

export type ComparisonOp = 'eq' | 'neq' | 'gt' | 'gte' | 'lt' | 'lte' | 'in' | 'nin' | 'like' | 'ilike' | 'contains';

export interface OrderTerm {
  column: ColumnModel;
  descending: boolean;
  nullsFirst: boolean;
}

/** Json key under which a row carries the key values of its cross-database field `alias`. */
export const remoteKeyAlias = (alias: string): string => `__key_${alias}`;

/** A cross-database field: the parent must carry its key columns; federation resolves it. */
export interface RemoteFieldPlan {
  kind: 'remote';
  alias: string;
  /** Hidden json key under which the key column values travel. */
  keyAlias: string;
  columns: ColumnModel[];
  /** A list of target rows (else one row or null). */
  many?: boolean;
  /** The source type's GraphQL name. */
  sourceType?: string;
  /** The GraphQL field's name on the source type (the fast path finds its binding by it). */
  field?: string;
  /** The selected nodes under this response name (their arguments and sub-selection). */
  nodes?: readonly FieldNode[];
}

export type FieldPlan =
  | { kind: 'column'; alias: string; column: ColumnModel }
  | { kind: 'constant'; alias: string; value: string }
  | { kind: 'relation'; alias: string; relation: RelationModel; select: SelectPlan }
  | RemoteFieldPlan;

/** One table's part of a selection: the row shape, and (for lists) filter, order and window. */
export interface SelectPlan {
  table: TableModel;
  fields: FieldPlan[];
  where?: Condition;
  orderBy: OrderTerm[];
  limit?: number;
  offset?: number;
}

/** A connection (Relay) request on one table: keyset pagination over `orderBy`. */
export interface ConnectionPlan {
  select: SelectPlan;
  /** Rows wanted (first or last); one more is fetched to tell whether more exist. */
  take: number;
  backward: boolean;
  /** Decoded cursor values, one per order term. */
  after?: unknown[];
  before?: unknown[];
  totalCount: boolean;
}
