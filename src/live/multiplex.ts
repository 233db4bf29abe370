/**
 * Pure SQL rewriting for live queries: one member statement (`$1…$n` bound parameters) becomes
 * one statement for many members, whose parameter sets travel as text arrays unnested
 * `WITH ORDINALITY` and joined `LATERAL` (the trick `compile/compile-batch.ts` uses for keys).
 */

/** Where `$n` placeholders sit in `sql`, skipping quoted identifiers, string literals and comments. */
export function placeholderSpans(sql: string): { start: number; end: number; index: number }[] {
  const spans: { start: number; end: number; index: number }[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    if (c === '"' || c === "'") {
      // A doubled quote inside stays inside; E'' strings never come out of compile/ (values are bound).
      i++;
      while (i < sql.length && !(sql[i] === c && sql[i + 1] !== c)) i += sql[i] === c ? 2 : 1;
      i++;
    } else if (c === '-' && sql[i + 1] === '-') {
      while (i < sql.length && sql[i] !== '\n') i++;
    } else if (c === '/' && sql[i + 1] === '*') {
      const close = sql.indexOf('*/', i + 2);
      i = close < 0 ? sql.length : close + 2;
    } else if (c === '$' && /[0-9]/.test(sql[i + 1] ?? '') && !/[A-Za-z0-9_$]/.test(sql[i - 1] ?? '')) {
      let j = i + 1;
      while (j < sql.length && /[0-9]/.test(sql[j])) j++;
      spans.push({ start: i, end: j, index: Number(sql.slice(i + 1, j)) });
      i = j;
    } else i++;
  }
  return spans;
}

/** The number of distinct parameters a statement uses (its highest `$n`). */
export function parameterCount(sql: string): number {
  return placeholderSpans(sql).reduce((max, s) => Math.max(max, s.index), 0);
}

/** Postgres array literal of text elements; null elements are NULL. */
function arrayLiteral(values: readonly unknown[]): string {
  return `{${values.map((v) => (v === null || v === undefined ? 'NULL' : `"${(parameterText(v) ?? "").replace(/[\\"]/g, (m) => `\\${m}`)}"`)).join(',')}}`;
}

/**
 * A bound value in its Postgres text form (what pg would send): arrays as array literals, objects
 * as JSON, dates as ISO strings. The multiplexed statement casts it back to the parameter's type.
 */
export function parameterText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return arrayLiteral(value);
  if (Buffer.isBuffer(value)) return `\\x${value.toString('hex')}`;
  return JSON.stringify(value);
}

/** Column names the multiplexed statement adds to each member row. */
export const MEMBER_COLUMN = '__sy_member';
export const ROW_COLUMN = '__sy_row';

/**
 * The statement that runs `sql` once per member. `types` are the parameters' Postgres types as
 * Postgres inferred them for `sql` (`pg_prepared_statements.parameter_types`). Its parameters are
 * one text array per original parameter (element k belongs to member k). Every result row of the
 * member statement comes back with its member's ordinal ({@link MEMBER_COLUMN}, from 1) and its
 * position within that member ({@link ROW_COLUMN}, from 1; null when the member had no row).
 *
 * SECURITY: member values stay bound parameters (elements of the text arrays) and are cast back
 * to the type Postgres itself inferred; only `$n` placeholders are rewritten, never literals.
 */
export function multiplexSql(sql: string, types: readonly string[]): string {
  const spans = placeholderSpans(sql);
  let body = '';
  let at = 0;
  for (const span of spans) {
    const type = types[span.index - 1] ?? 'text';
    body += `${sql.slice(at, span.start)}(__sy_m.p${span.index}::${type === 'unknown' ? 'text' : type})`;
    at = span.end;
  }
  body += sql.slice(at);
  const n = types.length;
  const arrays = Array.from({ length: n }, (_, i) => `$${i + 1}::text[]`);
  const columns = [...Array.from({ length: n }, (_, i) => `p${i + 1}`), 'i'];
  // NOTE: without parameters there is nothing to multiplex: every member is the same query.
  const members = n === 0 ? `(select 1::bigint as i)` : `unnest(${arrays.join(', ')}) with ordinality`;
  return (
    `select __sy_m.i as ${MEMBER_COLUMN}, __sy_r.* from ${members} as __sy_m(${n === 0 ? 'i' : columns.join(', ')}) ` +
    `left join lateral (select __sy_q.*, row_number() over () as ${ROW_COLUMN} from (${body}) as __sy_q) as __sy_r on true ` +
    `order by __sy_m.i, __sy_r.${ROW_COLUMN}`
  );
}

/** The parameters of a multiplexed statement: one text array per original parameter. */
export function multiplexParameters(members: readonly (readonly unknown[])[], count: number): (string | null)[][] {
  return Array.from({ length: count }, (_, p) => members.map((m) => parameterText(m[p])));
}

/** Splits the multiplexed result back into each member's rows (without the two added columns). */
export function splitMemberRows(rows: readonly Record<string, unknown>[], memberCount: number): Record<string, unknown>[][] {
  const out: Record<string, unknown>[][] = Array.from({ length: memberCount }, () => []);
  for (const row of rows) {
    const member = Number(row[MEMBER_COLUMN]) - 1;
    if (row[ROW_COLUMN] === null || row[ROW_COLUMN] === undefined) continue;
    const { [MEMBER_COLUMN]: _m, [ROW_COLUMN]: _r, ...rest } = row;
    out[member]?.push(rest);
  }
  return out;
}
