import type { Catalog, Column, ForeignKey, Table } from '../../src/catalog/index.js';

/**
 * Hand-made Catalog values for the pure naming and compile tests: plain objects with the
 * defaults of an ordinary base table, so a test spells out only what it is about.
 */

/** A column; `type` is the base type name ('int4', 'jsonb', …), `enumSchema` marks it as an enum. */
export function column(name: string, type = 'text', extra: Partial<Column> & { enumSchema?: string } = {}): Column {
  const { enumSchema, ...rest } = extra;
  return {
    name,
    position: 0, // set by table()
    type,
    typeSchema: enumSchema ?? 'pg_catalog',
    typeCategory: enumSchema ? 'enum' : 'base',
    isArray: false,
    nullable: true,
    hasDefault: false,
    generated: false,
    comment: null,
    ...rest,
  };
}

/** A foreign key `name` from `columns` to `target` (`schema.table` or `table` in public). */
export function fk(name: string, columns: string[], target: string, targetColumns: string[]): ForeignKey {
  const [targetSchema, targetTable] = target.includes('.') ? target.split('.') : ['public', target];
  return { name, columns, targetSchema, targetTable, targetColumns };
}

/** A base table (or a view with `kind: 'view'`); columns get positions in the order given. */
export function table(name: string, columns: Column[], extra: Partial<Table> = {}): Table {
  const primaryKey = extra.primaryKey ?? [];
  const isView = extra.kind === 'view';
  return {
    schema: 'public',
    name,
    kind: 'table',
    comment: null,
    columns: columns.map((c, i) => ({ ...c, position: i + 1 })),
    primaryKey,
    uniqueConstraints: primaryKey.length ? [{ name: `${name}_pkey`, columns: primaryKey, primary: true }] : [],
    foreignKeys: [],
    insertable: !isView,
    updatable: !isView,
    deletable: !isView,
    privileges: { select: true, insert: true, update: true, delete: true },
    ...extra,
  };
}

export function catalog(tables: Table[], enums: Catalog['enums'] = []): Catalog {
  return { serverVersion: '17.10', tables, enums };
}
