export type {
  Catalog,
  Column,
  EnumType,
  ForeignKey,
  Table,
  TableKind,
  UniqueConstraint,
} from './types.js';
export { findTable, tableKey } from './types.js';
export { parseCatalog, type RawCatalog } from './parse-catalog.js';
export { introspect, type QueryFunction } from './introspect.js';
export { INTROSPECTION_SQL } from './introspection-query.js';
