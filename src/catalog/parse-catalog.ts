import { z } from 'zod';
import {
  tableKey,
  type Catalog,
  type Column,
  type EnumType,
  type ForeignKey,
  type Table,
  type TableKind,
  type UniqueConstraint,
} from './types.js';

const rawColumnSchema = z.object({
  name: z.string(),
  position: z.number().int().positive(),
  type: z.string(),
  typeSchema: z.string(),
  typtype: z.string(),
  isArray: z.boolean(),
  notNull: z.boolean(),
  hasDefault: z.boolean(),
  generated: z.boolean(),
  comment: z.string().nullable(),
});

// NOTE: oids are optional so catalogs recorded (or cached) before they were read still parse.
const oid = z.number().int().nonnegative().optional();

const rawConstraintSchema = z.object({
  name: z.string(),
  oid,
  contype: z.enum(['p', 'u', 'f']),
  columns: z.array(z.string()).min(1),
  targetSchema: z.string().nullable(),
  targetTable: z.string().nullable(),
  targetColumns: z.array(z.string()).nullable(),
});

const rawTableSchema = z.object({
  schema: z.string(),
  name: z.string(),
  oid,
  relkind: z.enum(['r', 'v', 'm', 'f', 'p']),
  comment: z.string().nullable(),
  updatableMask: z.number().int().nonnegative(),
  privileges: z.object({ select: z.boolean(), insert: z.boolean(), update: z.boolean(), delete: z.boolean() }),
  columns: z.array(rawColumnSchema),
  constraints: z.array(rawConstraintSchema),
});

const rawCatalogSchema = z.object({
  serverVersion: z.string(),
  tables: z.array(rawTableSchema),
  enums: z.array(z.object({ schema: z.string(), name: z.string(), oid, values: z.array(z.string()) })),
});

/** The json `catalog` column as INTROSPECTION_SQL returns it. */
export type RawCatalog = z.infer<typeof rawCatalogSchema>;
type RawTable = z.infer<typeof rawTableSchema>;
type RawColumn = z.infer<typeof rawColumnSchema>;
type RawConstraint = z.infer<typeof rawConstraintSchema>;

const TABLE_KINDS: Record<RawTable['relkind'], TableKind> = {
  r: 'table',
  v: 'view',
  m: 'materialized_view',
  f: 'foreign_table',
  p: 'partitioned_table',
};

const TYPE_CATEGORIES: Record<string, Column['typeCategory']> = {
  b: 'base',
  e: 'enum',
  c: 'composite',
  r: 'range',
};

/** Bits of pg_relation_is_updatable(): 1 << CmdType (CMD_UPDATE 2, CMD_INSERT 3, CMD_DELETE 4 in nodes.h). */
const UpdatableBit = { UPDATE: 1 << 2, INSERT: 1 << 3, DELETE: 1 << 4 } as const;

// NOTE: code-unit order, not localeCompare, so the output does not depend on the host's locale.
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function bySchemaThenName(a: { schema: string; name: string }, b: { schema: string; name: string }): number {
  return compareStrings(a.schema, b.schema) || compareStrings(a.name, b.name);
}

const withOid = (value: number | undefined) => (value === undefined ? {} : { oid: value });

function parseColumn(raw: RawColumn): Column {
  return {
    name: raw.name,
    position: raw.position,
    type: raw.type,
    typeSchema: raw.typeSchema,
    typeCategory: TYPE_CATEGORIES[raw.typtype] ?? 'other',
    isArray: raw.isArray,
    nullable: !raw.notNull,
    hasDefault: raw.hasDefault,
    generated: raw.generated,
    comment: raw.comment,
  };
}

function parseForeignKey(raw: RawConstraint, where: string): ForeignKey {
  const { targetSchema, targetTable, targetColumns } = raw;
  if (targetSchema === null || targetTable === null || targetColumns === null) {
    throw new Error(`[catalog] foreign key ${raw.name} on ${where} has no target`);
  }
  if (targetColumns.length !== raw.columns.length) {
    throw new Error(`[catalog] foreign key ${raw.name} on ${where} pairs ${raw.columns.length} columns with ${targetColumns.length}`);
  }
  return { name: raw.name, ...withOid(raw.oid), columns: raw.columns, targetSchema, targetTable, targetColumns };
}

/** Column names of each introspected relation, by tableKey: what the role can actually read. */
type VisibleColumns = Map<string, Set<string>>;

function allVisible(visible: VisibleColumns, key: string, columns: string[]): boolean {
  const names = visible.get(key);
  return names !== undefined && columns.every((c) => names.has(c));
}

function parseTable(raw: RawTable, visible: VisibleColumns): Table {
  const where = tableKey(raw.schema, raw.name);
  // NOTE: with column-level grants a key may include columns the role cannot read; such a
  // key cannot be used for lookups or joins, so it is left out like the columns themselves.
  const constraints = [...raw.constraints]
    .filter((c) => allVisible(visible, where, c.columns))
    .sort((a, b) => compareStrings(a.name, b.name));
  const uniqueConstraints: UniqueConstraint[] = constraints
    .filter((c) => c.contype !== 'f')
    .map((c) => ({ name: c.name, ...withOid(c.oid), columns: c.columns, primary: c.contype === 'p' }));
  const foreignKeys = constraints
    .filter((c) => c.contype === 'f')
    .map((c) => parseForeignKey(c, where))
    // A relation outside the exposed set has no GraphQL type to point at.
    .filter((fk) => allVisible(visible, tableKey(fk.targetSchema, fk.targetTable), fk.targetColumns));
  return {
    schema: raw.schema,
    name: raw.name,
    ...withOid(raw.oid),
    kind: TABLE_KINDS[raw.relkind],
    comment: raw.comment,
    columns: raw.columns.map(parseColumn).sort((a, b) => a.position - b.position),
    primaryKey: uniqueConstraints.find((c) => c.primary)?.columns ?? [],
    uniqueConstraints,
    foreignKeys,
    insertable: (raw.updatableMask & UpdatableBit.INSERT) !== 0,
    updatable: (raw.updatableMask & UpdatableBit.UPDATE) !== 0,
    deletable: (raw.updatableMask & UpdatableBit.DELETE) !== 0,
    privileges: { ...raw.privileges },
  };
}

/**
 * Validates and normalises the `catalog` json returned by INTROSPECTION_SQL. Pure: no
 * database, same input → same output. Tables are sorted by schema then name, columns
 * by position, constraints and enums by name. Foreign keys whose target is not among
 * the introspected relations are dropped, and so are keys over columns the role cannot
 * read (absent from the raw column lists).
 *
 * @throws Error prefixed `[catalog]` when `raw` does not have the expected shape.
 * @example
 * const catalog = parseCatalog(JSON.parse(await readFile('catalog.json', 'utf8')));
 */
export function parseCatalog(raw: unknown): Catalog {
  const parsed = rawCatalogSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`[catalog] invalid introspection result:\n${z.prettifyError(parsed.error)}`);
  }
  const { serverVersion, tables, enums } = parsed.data;
  const visible: VisibleColumns = new Map(
    tables.map((t) => [tableKey(t.schema, t.name), new Set(t.columns.map((c) => c.name))]),
  );
  return {
    serverVersion,
    tables: tables.map((t) => parseTable(t, visible)).sort(bySchemaThenName),
    enums: enums.map((e): EnumType => ({ schema: e.schema, name: e.name, ...withOid(e.oid), values: [...e.values] })).sort(bySchemaThenName),
  };
}
