import type { ColumnModel } from '../naming/index.js';
import type { OrderTerm } from './plan.js';

/** Opaque keyset cursors: base64url of the JSON array of the row's order-by values (as text). */
export function encodeCursor(values: readonly unknown[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

/** A cursor read against an order: its values, or why it is not one (never quoting a value). */
export type CursorReading = { values: (string | null)[] } | { reason: string };

const INT_RANGE: Record<string, [bigint, bigint]> = {
  int2: [-32768n, 32767n],
  int4: [-2147483648n, 2147483647n],
  int8: [-9223372036854775808n, 9223372036854775807n],
};
const NUMERIC = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$|^(NaN|[+-]?Infinity)$/i;
const UUID = /^\{?[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\}?$/i;
/** Date and time text in any DateStyle (ISO, SQL, German, Postgres), BC, time zones, infinity. */
const DATE_TIME = /^[0-9A-Za-z :+\-./,]{1,64}$/;

/** Why `value` cannot be `column`'s text form, or undefined when it can. */
function typeProblem(column: ColumnModel, value: string): string | undefined {
  const { type, isArray } = column.column;
  const an = (name: string) => `${/^[aeio]/.test(name) ? 'an' : 'a'} ${name}`;
  if (value.includes('\u0000')) return 'contains a NUL character';
  if (isArray) return undefined;
  if (column.enum) {
    return column.enum.values.some((v) => v.label === value) ? undefined : `is not a label of enum ${column.enum.enumType.schema}.${column.enum.enumType.name}`;
  }
  const range = INT_RANGE[type];
  if (range) {
    const ok = /^[+-]?\d{1,20}$/.test(value) && BigInt(value) >= range[0] && BigInt(value) <= range[1];
    return ok ? undefined : `is not ${an(type)}`;
  }
  switch (type) {
    case 'numeric':
      return NUMERIC.test(value) ? undefined : `is not ${an(type)}`;
    case 'float4':
    case 'float8': {
      const ok = NUMERIC.test(value) && (Number.isFinite(Number(value)) || /^(NaN|[+-]?Infinity)$/.test(value));
      return ok && (type === 'float8' || !(Math.abs(Number(value)) > 3.4028235e38)) ? undefined : `is not ${an(type)}`;
    }
    case 'bool':
      return /^(true|false|t|f)$/.test(value) ? undefined : `is not ${an(type)}`;
    case 'uuid':
      return UUID.test(value) ? undefined : `is not ${an(type)}`;
    case 'date':
    case 'timestamp':
    case 'timestamptz':
    case 'time':
    case 'timetz':
      return DATE_TIME.test(value) ? undefined : `is not ${an(type)}`;
    default:
      // text, varchar, citext and types without a check here: any text; Postgres has the last word.
      return undefined;
  }
}

/**
 * Decodes `cursor` and checks it against `terms`, the keyset order it must have been issued for:
 * one value per term, each a string of the column's type (or null where the column is nullable).
 * Runs before any SQL is built. SECURITY: the reason names positions, columns and types only,
 * never the value, so a bad cursor is never echoed back.
 */
export function readCursor(cursor: string, terms: readonly OrderTerm[]): CursorReading {
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    values = undefined;
  }
  if (!Array.isArray(values)) return { reason: 'it is not a cursor issued by this gateway' };
  if (values.length !== terms.length) return { reason: `it holds ${values.length} values, this order needs ${terms.length}` };
  for (const [i, term] of terms.entries()) {
    const value: unknown = values[i];
    const where = `value ${i + 1} (${term.column.field})`;
    if (value === null) {
      if (!term.column.column.nullable) return { reason: `${where} is null, and the column is not nullable` };
      continue;
    }
    if (typeof value !== 'string') return { reason: `${where} is not a string or null` };
    const problem = typeProblem(term.column, value);
    if (problem) return { reason: `${where} ${problem}` };
  }
  return { values: values as (string | null)[] };
}
