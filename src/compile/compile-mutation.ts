import { sql, type RawBuilder } from 'kysely';
import { GatewayError } from '../errors/index.js';
import type { ColumnModel, TableModel } from '../naming/index.js';
import { Aliases, compiler, conditionSql, jsonArray, selectRows, tableRef, type CompiledQuery } from './compile-select.js';
import type { Condition, SelectPlan } from './plan.js';

type Sql = RawBuilder<unknown>;

export interface OnConflict {
  /** Unique constraint name (Postgres). */
  constraint: string;
  /** Columns (SQL names) to overwrite from the proposed row; empty with doNothing. */
  update: string[];
  doNothing: boolean;
}

/** A GraphQL input object (field names) to column → value, rejecting unknown or generated columns. */
export function columnValues(table: TableModel, input: Record<string, unknown>, what: string): Map<ColumnModel, unknown> {
  const out = new Map<ColumnModel, unknown>();
  for (const [field, value] of Object.entries(input)) {
    if (value === undefined) continue;
    const column = table.fields.get(field);
    if (!column || column.kind !== 'column') throw new GatewayError('BAD_USER_INPUT', `${what}: ${table.typeName} has no column "${field}"`, { database: table.database });
    if (column.column.generated) {
      throw new GatewayError('BAD_USER_INPUT', `${what}: column "${field}" is generated and cannot be written`, { database: table.database });
    }
    out.set(column, value);
  }
  return out;
}

/** json and jsonb parameters go as JSON text: pg would turn a JS array into a Postgres array. */
function param(column: ColumnModel, value: unknown): Sql {
  if (value === null) return sql`null`;
  if (column.scalar === 'JSON' && !column.column.isArray) return sql`${JSON.stringify(value)}`;
  return sql`${value}`;
}

/** `with __m as (<write> returning *) select json_agg(<returning selection>)`: rows changed, shaped like a read. */
function withReturning(write: Sql, returning: SelectPlan): CompiledQuery {
  const aliases = new Aliases();
  const rows = selectRows({ ...returning, where: undefined, orderBy: [], limit: undefined, offset: undefined }, aliases.next(), aliases, {
    from: sql`__m`,
  });
  return sql`with __m as (${write}) select ${jsonArray(rows)} as data`.compile(compiler);
}

/** `insertT(objects, onConflict)`: missing columns take their DEFAULT. */
export function compileInsert(returning: SelectPlan, objects: Record<string, unknown>[], onConflict?: OnConflict): CompiledQuery {
  const table = returning.table;
  if (objects.length === 0) throw new GatewayError('BAD_USER_INPUT', `${table.ops.insert}: objects is empty`, { database: table.database });
  const rows = objects.map((o, i) => columnValues(table, o, `${table.ops.insert}(objects[${i}])`));
  const columns = table.columns.filter((c) => rows.some((r) => r.has(c)));
  const target = sql`${tableRef(returning)} as t_ins`;
  let write: Sql;
  if (columns.length === 0) {
    write = sql`insert into ${target} default values`;
    if (rows.length > 1) throw new GatewayError('BAD_USER_INPUT', `${table.ops.insert}: several rows need at least one column`, { database: table.database });
  } else {
    const values = rows.map((r) => sql`(${sql.join(columns.map((c) => (r.has(c) ? param(c, r.get(c)) : sql`default`)))})`);
    write = sql`insert into ${target} (${sql.join(columns.map((c) => sql.id(c.column.name)))}) values ${sql.join(values)}`;
  }
  if (onConflict) {
    const action = onConflict.doNothing || onConflict.update.length === 0
      ? sql`do nothing`
      : sql`do update set ${sql.join(onConflict.update.map((c) => sql`${sql.id(c)} = excluded.${sql.id(c)}`))}`;
    write = sql`${write} on conflict on constraint ${sql.id(onConflict.constraint)} ${action}`;
  }
  return withReturning(sql`${write} returning *`, returning);
}

/** `updateT(where, set)` and `updateTByPk`. */
export function compileUpdate(returning: SelectPlan, where: Condition | undefined, set: Record<string, unknown>): CompiledQuery {
  const table = returning.table;
  const values = columnValues(table, set, `${table.ops.update}(set)`);
  if (values.size === 0) throw new GatewayError('BAD_USER_INPUT', `${table.ops.update}: set names no column`, { database: table.database });
  const aliases = new Aliases();
  const alias = 'u0';
  const assignments = [...values].map(([c, v]) => sql`${sql.id(c.column.name)} = ${param(c, v)}`);
  const whereSql = where ? sql` where ${conditionSql(where, alias, aliases)}` : sql``;
  return withReturning(sql`update ${tableRef(returning)} as ${sql.id(alias)} set ${sql.join(assignments)}${whereSql} returning ${sql.id(alias)}.*`, returning);
}

/** `deleteT(where)` and `deleteTByPk`. */
export function compileDelete(returning: SelectPlan, where: Condition | undefined): CompiledQuery {
  const aliases = new Aliases();
  const alias = 'd0';
  const whereSql = where ? sql` where ${conditionSql(where, alias, aliases)}` : sql``;
  return withReturning(sql`delete from ${tableRef(returning)} as ${sql.id(alias)}${whereSql} returning ${sql.id(alias)}.*`, returning);
}
