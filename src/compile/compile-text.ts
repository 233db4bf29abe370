import { sql, type RawBuilder } from 'kysely';
import type { ColumnModel, EnumModel } from '../naming/index.js';
import { Aliases, col, compiler, conditionSql, orderSql, relationLink, tableRef, type CompiledQuery } from './compile-select.js';
import { keyedBatch, type BatchQuery } from './compile-batch.js';
import type { FieldPlan, RemoteFieldPlan, SelectPlan } from './plan.js';

type Sql = RawBuilder<unknown>;

/** A statement whose column `data` is JSON text, with the cross-database fields whose markers it writes, in marker order. */
export interface TextQuery extends CompiledQuery {
  remotes: RemoteFieldPlan[];
}

/** Postgres truncates longer identifiers (NAMEDATALEN − 1); a record key must survive whole. */
const MAX_KEY_BYTES = 63;
/** A record has at most 1664 columns in Postgres; wider selections stay with json_build_object. */
const MAX_RECORD_FIELDS = 1000;

/** The message of the error a label the schema does not know raises (see enumName). */
export const UNKNOWN_ENUM_LABEL = 'unknown enum label';

/** How the JSON text of a field compiled by {@link compileListText} / {@link compileByPkText} is used. */
export interface TextSupport {
  /**
   * `verbatim`: the text is exactly what JSON.stringify of the executed result gives.
   * `marked`: so is everything but jsonb values, which Postgres spells with its own spacing and
   * numbers; each is wrapped in a TAB on either side (a raw TAB appears nowhere else: JSON
   * strings escape it and the compact text has no whitespace) and must be rewritten as
   * JSON.stringify writes it (unmarkJsonb, compact-jsonb.ts). `reserialize`: json (not jsonb)
   * columns keep their text as written, so the whole text must be parsed and serialised again.
   */
  mode: 'verbatim' | 'marked' | 'reserialize';
}

/**
 * Whether a selection can be answered as Postgres-built JSON text that equals, byte for byte,
 * what the GraphQL executor would serialise: columns of every scalar but Float (Postgres spells
 * floats, NaN and Infinity differently from JavaScript), enums (not arrays of them), same-database
 * relations and `__typename`; not cross-database fields (unless `remote`), empty selections, or
 * keys longer than an identifier. Undefined when it cannot.
 * `delimited`: the text will be split on CRs (a batch's values, see compileBatchText). json (not
 * jsonb) text keeps raw CRs as written, so a `reserialize` text is refused there, and wherever
 * it holds cross-database markers, which CRs delimit too.
 */
export function textSupport(plan: SelectPlan, { remote = false, delimited = false } = {}): TextSupport | undefined {
  // NOTE: `as`, because the closure below assigns it: TypeScript would narrow it to 'verbatim'.
  let mode = 'verbatim' as TextSupport['mode'];
  let markers = false;
  const fits = (select: SelectPlan): boolean =>
    select.fields.length > 0 &&
    select.fields.length <= MAX_RECORD_FIELDS &&
    select.fields.every((field: FieldPlan) => {
      if (field.alias.length > MAX_KEY_BYTES) return false;
      switch (field.kind) {
        case 'constant':
          return true;
        case 'column': {
          const { scalar, enum: e, column } = field.column;
          if (scalar === 'Float' || (e && column.isArray)) return false;
          if (scalar !== 'JSON') return true;
          if (column.type === 'jsonb' && !column.isArray) mode = mode === 'verbatim' ? 'marked' : mode;
          else mode = 'reserialize';
          return true;
        }
        case 'relation':
          return fits(field.select);
        case 'remote':
          markers = true;
          return remote;
        default:
          return false;
      }
    });
  if (!fits(plan) || (mode === 'reserialize' && (delimited || markers))) return undefined;
  return { mode };
}

/**
 * An enum column as its GraphQL value name. SECURITY: labels and names are bound parameters.
 * A label the schema does not know (the catalog changed since it was read) makes the statement
 * fail, so the caller falls back to the executor, which reports it.
 */
function enumName(ref: Sql, e: EnumModel): Sql {
  const whens = e.values.map((v) => sql`when ${v.label} then ${v.name}::text`);
  return sql`case ${ref}::text ${sql.join(whens, sql` `)} else case when ${ref} is null then null else (${UNKNOWN_ENUM_LABEL + ' '} || ${ref}::text)::int::text end end`;
}

function columnValue(alias: string, column: ColumnModel): Sql {
  const ref = col(alias, column);
  if (column.enum) return enumName(ref, column.enum);
  // json accepts whitespace around a value and keeps it: the TABs travel through row_to_json untouched.
  if (column.scalar === 'JSON' && column.column.type === 'jsonb' && !column.column.isArray) {
    return sql`case when ${ref} is null then null else (E'\\t' || ${ref}::text || E'\\t')::json end`;
  }
  if (!column.castToText) return ref;
  return column.column.isArray ? sql`${ref}::text[]` : sql`${ref}::text`;
}

/** Numbers the cross-database fields of one statement in the order their markers are written. */
class TextAliases extends Aliases {
  readonly remotes: RemoteFieldPlan[] = [];
}

/**
 * A cross-database field as a CR-wrapped marker `[n, key…]` (n: its index in the statement's
 * `remotes`), or the field's empty value when a key column is null (as the federation resolver
 * answers without loading). A raw CR appears nowhere else in the compact text.
 */
function remoteMarker(field: RemoteFieldPlan, alias: string, aliases: TextAliases, many: boolean): Sql {
  const index = aliases.remotes.push(field) - 1;
  const nulls = sql.join(field.columns.map((c) => sql`${col(alias, c)} is null`), sql` or `);
  const keys = sql.join([sql`${index}::int`, ...field.columns.map((c) => sql`${col(alias, c)}::text`)]);
  return sql`case when ${nulls} then ${many ? sql`'[]'::json` : sql`null::json`} else (E'\\r' || json_build_array(${keys})::text || E'\\r')::json end`;
}

function fieldValue(field: FieldPlan, alias: string, aliases: Aliases): Sql {
  switch (field.kind) {
    case 'column':
      return columnValue(alias, field.column);
    case 'constant':
      return sql`${field.value}::text`;
    case 'relation': {
      const inner = aliases.next();
      const { relation, select } = field;
      const link = relationLink(relation, inner, alias);
      const rows = recordRows(select, inner, aliases, link);
      return relation.many ? arrayOf(rows) : sql`(select row_to_json(__r) from (${rows}) as __r)`;
    }
    case 'remote':
      if (!(aliases instanceof TextAliases)) throw new Error('[compile] a cross-database field is written as a marker by compileListText / compileByPkText');
      return remoteMarker(field, alias, aliases, field.many === true);
    default:
      throw new Error(`[compile] a ${(field as FieldPlan).kind} field has no JSON text form; check textSupport first`);
  }
}

/**
 * `select <value> as "<response name>", … from <table> …`: one record per row whose column
 * names are the response names, so row_to_json / array_to_json write compact JSON text
 * (json_build_object and json_agg add spaces and line feeds).
 */
function recordRows(plan: SelectPlan, alias: string, aliases: Aliases, link?: Sql): Sql {
  const columns = sql.join(plan.fields.map((f) => sql`${fieldValue(f, alias, aliases)} as ${sql.id(f.alias)}`));
  const where: Sql[] = [];
  if (link) where.push(link);
  if (plan.where) where.push(conditionSql(plan.where, alias, aliases));
  const whereSql = where.length ? sql` where ${sql.join(where, sql` and `)}` : sql``;
  const orderBy = plan.orderBy.length ? sql` order by ${orderSql(plan.orderBy, alias)}` : sql``;
  const limitSql = plan.limit !== undefined ? sql` limit ${plan.limit}` : sql``;
  const offsetSql = plan.offset ? sql` offset ${plan.offset}` : sql``;
  return sql`select ${columns} from ${tableRef(plan)} as ${sql.id(alias)}${whereSql}${orderBy}${limitSql}${offsetSql}`;
}

/** The records of `rows` as one compact JSON array, in the subquery's order. */
function arrayOf(rows: Sql): Sql {
  return sql`(select coalesce(array_to_json(array_agg(__r)), '[]'::json) from (${rows}) as __r)`;
}

/**
 * PERF: a root list field as ONE statement whose single text column `data` is the field's
 * response JSON (same rows, order, filter and window as {@link compileList}), so the gateway
 * writes it without parsing. Only for plans {@link textSupport} accepts.
 */
export function compileListText(plan: SelectPlan): TextQuery {
  const aliases = new TextAliases();
  const query = sql`select ${arrayOf(recordRows(plan, aliases.next(), aliases))}::text as data`.compile(compiler);
  return { sql: query.sql, parameters: query.parameters, remotes: aliases.remotes };
}

/** `tByPk` as JSON text in column `data`; no row when absent. Only for plans {@link textSupport} accepts. */
export function compileByPkText(plan: SelectPlan): TextQuery {
  const aliases = new TextAliases();
  const query = sql`select row_to_json(__r)::text as data from (${recordRows(plan, aliases.next(), aliases)}) as __r`.compile(compiler);
  return { sql: query.sql, parameters: query.parameters, remotes: aliases.remotes };
}

/**
 * The cross-database side of the fast path: for a batch of key tuples (bound text arrays, first
 * in the text so the statement is reused with new keys, as {@link compileBatch}), ONE row whose
 * `data` holds, per key in key order and separated by a CR, the JSON text of the matching row
 * (`many: false`, `null` when none) or rows (`many: true`, the plan's where / order / limit per
 * key). PERF: one row, not one per key: a hundred keys cost one DataRow message to write and to
 * read. Only for plans {@link textSupport} accepts as `delimited` and without cross-database
 * fields; see {@link splitBatchText}.
 */
export function compileBatchText(plan: SelectPlan, targetColumns: ColumnModel[], many: boolean): BatchQuery {
  return keyedBatch(
    targetColumns,
    (alias, aliases, link) =>
      many
        ? arrayOf(recordRows(plan, alias, aliases, link))
        : sql`(select row_to_json(__r) from (${recordRows({ ...plan, orderBy: [], limit: 1 }, alias, aliases, link)}) as __r)`,
    (keys, value) => sql`${keys} select string_agg(coalesce(${value}::text, 'null'), E'\\r' order by k.i) as data from k`,
  );
}

/** The per-key texts of a {@link compileBatchText} answer for `keys` keys; throws when they do not line up. */
export function splitBatchText(data: string | null | undefined, keys: number): string[] {
  const texts = data ? data.split('\r') : [];
  if (texts.length !== keys) throw new Error(`[compile] a batch for ${keys} keys answered ${texts.length} values`);
  return texts;
}
