import type { ColumnModel, ScalarName, TableModel } from '../naming/index.js';

const INTEGERS = new Set(['int2', 'int4', 'int8']);
const FLOATS = new Set(['float4', 'float8']);
const TEXTS = new Set(['text', 'varchar', 'bpchar']);
const TIMES = new Set(['date', 'timestamp', 'timestamptz']);

const plain = (c: ColumnModel) => !c.column.isArray;

/** Columns `sum` and `avg` take: numbers. */
export function sumColumns(table: TableModel): ColumnModel[] {
  return table.columns.filter((c) => plain(c) && (INTEGERS.has(c.column.type) || FLOATS.has(c.column.type) || c.column.type === 'numeric'));
}

/** Columns `min` and `max` take: numbers, text, dates and times. */
export function minMaxColumns(table: TableModel): ColumnModel[] {
  return table.columns.filter((c) => plain(c) && !c.enum && (sumColumns(table).includes(c) || TEXTS.has(c.column.type) || TIMES.has(c.column.type)));
}

/** Columns a group key or countDistinct may name: anything orderable (not arrays, not json). */
export function groupColumns(table: TableModel): ColumnModel[] {
  return table.columns.filter((c) => plain(c) && c.scalar !== 'JSON');
}

/** Columns that take a time bucket (`HOUR` … `YEAR`). */
export function isTimeColumn(c: ColumnModel): boolean {
  return TIMES.has(c.column.type) && !c.column.isArray;
}

/**
 * The exact type of a sum: integers sum to BigInt (Postgres widens int8 sums to numeric,
 * still sent as integer text), numeric to BigDecimal, floats to Float.
 */
export function sumScalar(c: ColumnModel): ScalarName {
  if (INTEGERS.has(c.column.type)) return 'BigInt';
  return FLOATS.has(c.column.type) ? 'Float' : 'BigDecimal';
}

/** The exact type of an average: BigDecimal for integers and numeric, Float for floats. */
export function avgScalar(c: ColumnModel): ScalarName {
  return FLOATS.has(c.column.type) ? 'Float' : 'BigDecimal';
}
