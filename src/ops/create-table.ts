import { GatewayError } from '../errors/index.js';

/** Functions accepted as a column default. */
export const DEFAULT_FUNCTIONS = ['now()', 'gen_random_uuid()', 'current_timestamp', 'current_date'] as const;
export type DefaultFunction = (typeof DEFAULT_FUNCTIONS)[number];

/**
 * A column default: a literal (numbers and booleans written as is, strings quoted) or one of
 * {@link DEFAULT_FUNCTIONS}. A string is always a literal: `'now()'` is text, `{ function: 'now()' }` is the call.
 */
export type ColumnDefault = string | number | bigint | boolean | null | { function: DefaultFunction };

/** One column of {@link CreateTableInput}. */
export interface ColumnSpec {
  name: string;
  /** One of the allowed types (see {@link normalizeColumnType}), optionally followed by `[]`. */
  type: string;
  /** Default true; primary key columns are never nullable. */
  nullable?: boolean;
  default?: ColumnDefault;
  /** Several primary key columns make a composite key, in column order. */
  primaryKey?: boolean;
  unique?: boolean;
  references?: { table: string; column: string; schema?: string };
}

/** Input of {@link buildCreateTable}. */
export interface CreateTableInput {
  name: string;
  /** Unqualified (search_path decides) when omitted. */
  schema?: string;
  columns: ColumnSpec[];
  ifNotExists?: boolean;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

const SIMPLE_TYPES = new Set([
  'int2', 'int4', 'int8', 'smallint', 'integer', 'int', 'bigint', 'serial', 'bigserial', 'smallserial',
  'numeric', 'decimal', 'real', 'float4', 'float8', 'double precision', 'boolean', 'bool', 'text', 'varchar',
  'uuid', 'json', 'jsonb', 'date', 'time', 'timestamp', 'timestamptz', 'timestamp with time zone',
  'timestamp without time zone', 'interval', 'bytea',
]);
const SERIAL_TYPES = new Set(['serial', 'bigserial', 'smallserial']);
const ALLOWED_TYPES_HINT =
  'allowed: int2/int4/int8, smallint, integer, bigint, serial, bigserial, numeric(p,s), real, double precision, boolean, ' +
  'text, varchar(n), char(n), uuid, json, jsonb, date, time, timestamp, timestamptz, interval, bytea, and arrays of those (text[])';

function badInput(message: string, hint: string): GatewayError {
  return new GatewayError('BAD_USER_INPUT', `[ops:create-table] ${message}`, { hint });
}

/** SECURITY: identifiers are validated against a strict pattern and always double-quoted. */
function identifier(value: unknown, what: string): string {
  if (typeof value !== 'string' || !IDENTIFIER.test(value)) {
    throw badInput(`${what} ${JSON.stringify(value)} is not a valid name`, 'use letters, digits and _ (not starting with a digit), at most 63 characters');
  }
  return `"${value}"`;
}

/**
 * Checks a column type against the allow-list and returns its canonical spelling
 * (`NUMERIC( 10 , 2 )` → `numeric(10,2)`), or undefined when it is not allowed. Pure.
 */
export function normalizeColumnType(type: string): string | undefined {
  if (typeof type !== 'string') return undefined;
  const t = type.trim().toLowerCase().replace(/\s+/g, ' ').replace(/\s*([(),\[\]])\s*/g, '$1');
  const match = /^([a-z][a-z0-9 ]*?)(?:\((\d+)(?:,(\d+))?\))?((?:\[\])*)$/.exec(t);
  if (!match) return undefined;
  const [, base, p, s, arrays] = match;
  if (arrays && SERIAL_TYPES.has(base)) return undefined;
  if (p === undefined) return SIMPLE_TYPES.has(base) ? `${base}${arrays}` : undefined;
  const precision = Number(p);
  if (base === 'numeric' || base === 'decimal') {
    const scale = s === undefined ? undefined : Number(s);
    if (precision < 1 || precision > 1000 || (scale !== undefined && scale > precision)) return undefined;
    return `${base}(${precision}${scale === undefined ? '' : `,${scale}`})${arrays}`;
  }
  if ((base === 'varchar' || base === 'char') && s === undefined && precision >= 1 && precision <= 10_485_760) {
    return `${base}(${precision})${arrays}`;
  }
  return undefined;
}

/** SECURITY: only typed literals and allow-listed functions reach the SQL; strings are quoted with quotes (and backslashes) escaped. */
function defaultExpression(value: ColumnDefault, column: string): string {
  const reject = () =>
    badInput(`column "${column}": default ${JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? String(v) : v))} is not allowed`, `give a number, boolean, string or null, or { function: one of ${DEFAULT_FUNCTIONS.join(', ')} }`);
  if (value === null) return 'NULL';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw reject();
    return String(value);
  }
  if (typeof value === 'string') {
    if (value.includes('\0')) throw reject();
    // NOTE: E'' with doubled backslashes reads the same whatever standard_conforming_strings is.
    return value.includes('\\') ? `E'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'` : `'${value.replace(/'/g, "''")}'`;
  }
  if (typeof value === 'object' && value && 'function' in value) {
    const fn = String(value.function).trim().toLowerCase();
    if ((DEFAULT_FUNCTIONS as readonly string[]).includes(fn)) return fn;
  }
  throw reject();
}

function columnDefinition(column: ColumnSpec, index: number): string {
  if (!column || typeof column !== 'object') throw badInput(`column ${index + 1} is not an object`, 'give { name, type }');
  const name = identifier(column.name, `column ${index + 1}: name`);
  const type = normalizeColumnType(column.type);
  if (!type) throw badInput(`column "${column.name}": type ${JSON.stringify(column.type)} is not allowed`, ALLOWED_TYPES_HINT);
  if (column.primaryKey && column.nullable === true) {
    throw badInput(`column "${column.name}": a primary key column cannot be nullable`, 'drop nullable: true or primaryKey: true');
  }
  const parts = [name, type];
  if (column.nullable === false) parts.push('NOT NULL');
  if (column.default !== undefined) parts.push(`DEFAULT ${defaultExpression(column.default, column.name)}`);
  if (column.unique) parts.push('UNIQUE');
  if (column.references) {
    const ref = column.references;
    const table = identifier(ref.table, `column "${column.name}": referenced table`);
    const qualified = ref.schema === undefined ? table : `${identifier(ref.schema, `column "${column.name}": referenced schema`)}.${table}`;
    parts.push(`REFERENCES ${qualified} (${identifier(ref.column, `column "${column.name}": referenced column`)})`);
  }
  return parts.join(' ');
}

/**
 * Builds one `CREATE TABLE` statement from a structured description. Pure and injection-safe:
 * names are validated and quoted, types come from an allow-list, defaults are literals or
 * allow-listed functions. Anything else throws BAD_USER_INPUT naming the column.
 *
 * @example
 * buildCreateTable({ name: 'notes', columns: [
 *   { name: 'id', type: 'bigserial', primaryKey: true },
 *   { name: 'body', type: 'text', nullable: false, default: '' },
 * ] });
 * // CREATE TABLE "notes" (
 * //   "id" bigserial,
 * //   "body" text NOT NULL DEFAULT '',
 * //   PRIMARY KEY ("id")
 * // );
 */
export function buildCreateTable(input: CreateTableInput): string {
  const table = identifier(input?.name, 'table');
  const qualified = input.schema === undefined ? table : `${identifier(input.schema, 'schema')}.${table}`;
  if (!Array.isArray(input.columns) || input.columns.length === 0) {
    throw badInput(`table "${input.name}" needs at least one column`, 'give columns: [{ name, type }]');
  }
  const seen = new Set<string>();
  for (const column of input.columns) {
    if (seen.has(column?.name)) throw badInput(`column "${column.name}" appears twice`, 'give each column a distinct name');
    seen.add(column?.name);
  }
  const lines = input.columns.map(columnDefinition);
  const keys = input.columns.filter((c) => c.primaryKey).map((c) => `"${c.name}"`);
  if (keys.length > 0) lines.push(`PRIMARY KEY (${keys.join(', ')})`);
  return `CREATE TABLE ${input.ifNotExists ? 'IF NOT EXISTS ' : ''}${qualified} (\n${lines.map((l) => `  ${l}`).join(',\n')}\n);`;
}
