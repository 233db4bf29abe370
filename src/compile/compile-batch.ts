import { sql, type RawBuilder } from 'kysely';
import type { ColumnModel } from '../naming/index.js';
import { Aliases, compiler, jsonArray, rowObject, selectRows, tableRef, type CompiledQuery } from './compile-select.js';
import type { SelectPlan } from './plan.js';

/** A batch statement compiled once per plan: only the key arrays ($1…$n) change between batches. */
export interface BatchQuery {
  sql: string;
  /** The plan's own parameters, after the key arrays. */
  rest: readonly unknown[];
  keyColumns: number;
}

/**
 * One statement for a whole batch of parents: for each key tuple (values as text), the matching
 * target row (`many: false`) or rows (`many: true`, with the plan's where / order / limit applied
 * per parent). It returns one row whose `data` is a json array aligned with the keys.
 *
 * SECURITY: keys cross a database boundary as bound text arrays and are cast back to the target
 * column's own type, so the index on the target column is used.
 */
export function compileBatch(plan: SelectPlan, targetColumns: ColumnModel[], many: boolean): BatchQuery {
  return keyedBatch(
    targetColumns,
    (alias, aliases, link) =>
      many
        ? jsonArray(selectRows(plan, alias, aliases, { link }))
        : sql`(select ${rowObject(plan, alias, aliases)} from ${tableRef(plan)} as ${sql.id(alias)} where ${link} limit 1)`,
    (keys, value) => sql`${keys} select coalesce(json_agg(${value} order by k.i), '[]'::json) as data from k`,
  );
}

type Sql = RawBuilder<unknown>;

/**
 * The frame every keyed batch shares: the key tuples as bound text arrays unnested `WITH
 * ORDINALITY` into `k`, and `link`, the condition joining the target alias to `k` (each key cast
 * back to its column's type). `value` builds the per-key expression; `select` the statement
 * around the `with k as (…)` it is handed.
 */
export function keyedBatch(
  targetColumns: ColumnModel[],
  value: (alias: string, aliases: Aliases, link: Sql) => Sql,
  select: (keys: Sql, value: Sql) => Sql,
): BatchQuery {
  const aliases = new Aliases();
  const alias = aliases.next();
  const keyNames = targetColumns.map((_, i) => `v${i}`);
  // NOTE: the key arrays come first in the text, so they are $1…$n and a compiled batch is reused with new keys.
  const arrays = targetColumns.map(() => sql`${[]}::text[]`);
  const link = sql.join(
    targetColumns.map((c, i) => sql`${sql.id(alias, c.column.name)} = ${sql.id('k', keyNames[i])}::${sql.id(c.column.typeSchema, c.column.type)}`),
    sql` and `,
  );
  const columns = sql.join([...keyNames.map((n) => sql.id(n)), sql.id('i')]);
  const keys = sql`with k as (select * from unnest(${sql.join(arrays)}) with ordinality as k(${columns}))`;
  const compiled = select(keys, value(alias, aliases, link)).compile(compiler);
  return { sql: compiled.sql, rest: compiled.parameters.slice(targetColumns.length), keyColumns: targetColumns.length };
}

/** The statement for one batch of keys (tuples of text, one per key column). */
export function batchStatement(batch: BatchQuery, keys: readonly (readonly string[])[]): CompiledQuery {
  const arrays = Array.from({ length: batch.keyColumns }, (_, i) => keys.map((k) => k[i]));
  return { sql: batch.sql, parameters: [...arrays, ...batch.rest] };
}
