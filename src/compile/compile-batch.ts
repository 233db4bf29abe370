import { sql } from 'kysely';
import type { ColumnModel } from '../naming/index.js';
import { Aliases, compiler, jsonArray, rowObject, selectRows, tableRef, type CompiledQuery } from './compile-select.js';
import type { SelectPlan } from './plan.js';

/**
 * One statement for a whole batch of parents: for each key tuple (values as text, in
 * order), the matching target row (`many: false`) or rows (`many: true`, with the plan's
 * where / order / limit applied per parent). Returns rows `{ i, data }` where i is the
 * 1-based position of the key in `keys`.
 *
 * SECURITY: keys cross a database boundary as bound text arrays and are cast back to the
 * target column's own type, so the index on the target column is used.
 */
export function compileBatch(plan: SelectPlan, targetColumns: ColumnModel[], keys: readonly (readonly string[])[], many: boolean): CompiledQuery {
  const aliases = new Aliases();
  const alias = aliases.next();
  const keyNames = targetColumns.map((_, i) => `v${i}`);
  const arrays = targetColumns.map((_, i) => sql`${keys.map((k) => k[i])}::text[]`);
  const link = sql.join(
    targetColumns.map((c, i) => sql`${sql.id(alias, c.column.name)} = ${sql.id('k', keyNames[i])}::${sql.id(c.column.typeSchema, c.column.type)}`),
    sql` and `,
  );
  const value = many
    ? jsonArray(selectRows(plan, alias, aliases, { link }))
    : sql`(select ${rowObject(plan, alias, aliases)} from ${tableRef(plan)} as ${sql.id(alias)} where ${link} limit 1)`;
  const columns = sql.join([...keyNames.map((n) => sql.id(n)), sql.id('i')]);
  return sql`select k.i::int as i, ${value} as data from unnest(${sql.join(arrays)}) with ordinality as k(${columns})`.compile(compiler);
}
