/**
 * The catalog of one database, in Postgres vocabulary. Produced by `introspect()`
 * (one round trip) and `parseCatalog()` (pure); consumed by naming, compile and schema.
 */
export interface Catalog {
  /** Server version string, e.g. "17.10". */
  serverVersion: string;
  tables: Table[];
  enums: EnumType[];
}

export type TableKind = 'table' | 'view' | 'materialized_view' | 'foreign_table' | 'partitioned_table';

export interface Table {
  schema: string;
  name: string;
  /** pg_catalog oid. Oids come from one counter that only grows, so a lower oid means an older object (naming uses it to keep names stable). Absent in catalogs recorded before oids were read. */
  oid?: number;
  kind: TableKind;
  comment: string | null;
  /** Columns in attnum order. */
  columns: Column[];
  /** Primary key column names in key order; empty when the relation has none. */
  primaryKey: string[];
  /** Unique constraints (including the primary key), by constraint name. */
  uniqueConstraints: UniqueConstraint[];
  /** Foreign keys declared on this table (this table is the referencing side). */
  foreignKeys: ForeignKey[];
  /** Postgres's own verdict (pg_relation_is_updatable): can rows be inserted / updated / deleted. */
  insertable: boolean;
  updatable: boolean;
  deletable: boolean;
  /** Privileges of the connecting role. */
  privileges: { select: boolean; insert: boolean; update: boolean; delete: boolean };
}

export interface Column {
  name: string;
  /** 1-based position (attnum). */
  position: number;
  /** Base type name as Postgres prints it without modifiers: int4, varchar, timestamptz, jsonb, or an enum's name. */
  type: string;
  /** Schema of the type (pg_catalog for built-ins). */
  typeSchema: string;
  /** 'b' base, 'e' enum, 'd' domain (already resolved to its base in `type`), 'c' composite, 'r' range. */
  typeCategory: 'base' | 'enum' | 'composite' | 'range' | 'other';
  /** True when the column is an array of `type`. */
  isArray: boolean;
  nullable: boolean;
  hasDefault: boolean;
  /** GENERATED ALWAYS AS (...) STORED, or identity ALWAYS: not writable. */
  generated: boolean;
  comment: string | null;
}

export interface UniqueConstraint {
  name: string;
  /** pg_catalog oid. Oids come from one counter that only grows, so a lower oid means an older object (naming uses it to keep names stable). Absent in catalogs recorded before oids were read. */
  oid?: number;
  columns: string[];
  primary: boolean;
}

export interface ForeignKey {
  name: string;
  /** pg_catalog oid. Oids come from one counter that only grows, so a lower oid means an older object (naming uses it to keep names stable). Absent in catalogs recorded before oids were read. */
  oid?: number;
  columns: string[];
  /** Referenced table. */
  targetSchema: string;
  targetTable: string;
  targetColumns: string[];
}

export interface EnumType {
  schema: string;
  name: string;
  /** pg_catalog oid. Oids come from one counter that only grows, so a lower oid means an older object (naming uses it to keep names stable). Absent in catalogs recorded before oids were read. */
  oid?: number;
  values: string[];
}

export function tableKey(schema: string, name: string): string {
  return `${schema}.${name}`;
}

export function findTable(catalog: Catalog, schema: string, name: string): Table | undefined {
  return catalog.tables.find((t) => t.schema === schema && t.name === name);
}
