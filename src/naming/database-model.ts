import type { Catalog, Column, EnumType, Table } from '../catalog/index.js';
import { camelCase, enumValueName, NameScope, pascalCase } from './inflect.js';

/** Scalars the generated schema uses (besides GraphQL's own). */
export type ScalarName = 'Int' | 'Float' | 'Boolean' | 'String' | 'BigInt' | 'BigDecimal' | 'JSON' | 'DateTime' | 'Date';

const SCALAR_BY_PG_TYPE: Record<string, ScalarName> = {
  int2: 'Int', int4: 'Int', int8: 'BigInt', numeric: 'BigDecimal', float4: 'Float', float8: 'Float', bool: 'Boolean',
  json: 'JSON', jsonb: 'JSON', date: 'Date', timestamp: 'DateTime', timestamptz: 'DateTime',
};

/** Types whose to_json form would lose precision or be unreadable: selected as text inside json. */
const JSON_SAFE_TYPES = new Set(['int2', 'int4', 'float4', 'float8', 'bool', 'json', 'jsonb', 'text', 'varchar', 'bpchar', 'name', 'uuid', 'date', 'timestamp', 'timestamptz', 'citext']);

export interface EnumModel {
  enumType: EnumType;
  typeName: string;
  filterName: string;
  values: { name: string; label: string }[];
}

export interface ColumnModel {
  kind: 'column';
  field: string;
  column: Column;
  scalar: ScalarName;
  enum?: EnumModel;
  /** Select as `col::text` (or `::text[]`) inside json to keep it exact. */
  castToText: boolean;
}

/** A foreign key seen from one side. `columns` are on this table, `targetColumns` on the other. */
export interface RelationModel {
  kind: 'relation';
  field: string;
  /** true: one-to-many (a list); false: many-to-one (an object). */
  many: boolean;
  constraint: string;
  columns: string[];
  targetColumns: string[];
  target: TableModel;
}

/** A cross-database (or foreign-key-less) relationship field; federation resolves it from these key columns. */
export interface RemoteFieldModel {
  kind: 'remote';
  field: string;
  relationship: string;
  many: boolean;
  columns: ColumnModel[];
}

export type FieldModel = ColumnModel | RelationModel | RemoteFieldModel;

export interface TableModel {
  database: string;
  table: Table;
  typeName: string;
  /** Field names inside the database's Query / Mutation namespace. */
  ops: {
    list: string; byPk: string; connection: string; aggregate: string;
    insert: string; update: string; delete: string; updateByPk: string; deleteByPk: string;
  };
  /** Names of the input and helper types of this table. */
  types: {
    filter: string; orderBy: string; insert: string; set: string; connection: string; edge: string;
    aggregate: string; column: string; constraint: string; onConflict: string;
  };
  columns: ColumnModel[];
  columnsBySql: Map<string, ColumnModel>;
  relations: RelationModel[];
  /** Output fields by GraphQL name (columns and relations; remote ones are added by federation). */
  fields: Map<string, FieldModel>;
  primaryKey: ColumnModel[];
  canInsert: boolean;
  canUpdate: boolean;
  canDelete: boolean;
}

export interface DatabaseModel {
  database: string;
  typePrefix: string;
  queryType: string;
  mutationType: string;
  catalog: Catalog;
  tables: TableModel[];
  enums: EnumModel[];
}

function scalarOf(column: Column): ScalarName {
  return SCALAR_BY_PG_TYPE[column.type] ?? 'String';
}

/**
 * Names every table, column, relation and enum of one database's catalog, by the rule in
 * inflect.ts. Pure and deterministic: the same catalog always gives the same names.
 */
/** Tables that belong to tooling, not to the application (node-pg-migrate's bookkeeping). */
export const HIDDEN_TABLES = new Set(['pgmigrations']);

export function buildDatabaseModel(database: string, catalog: Catalog, options: { readOnly?: boolean; schemas?: string[] } = {}): DatabaseModel {
  const prefix = pascalCase(database);
  const mainSchema = options.schemas?.[0] ?? 'public';
  const typeScope = new NameScope([`${prefix}_Query`, `${prefix}_Mutation`]);
  const opScope = new NameScope();
  const mutationScope = new NameScope();

  const enums = new Map<string, EnumModel>();
  for (const e of catalog.enums) {
    const base = pascalCase(e.schema === mainSchema ? e.name : `${e.schema}_${e.name}`);
    const valueScope = new NameScope();
    enums.set(`${e.schema}.${e.name}`, {
      enumType: e,
      typeName: typeScope.claim(`${prefix}_${base}`),
      filterName: typeScope.claim(`${prefix}_${base}Filter`),
      values: e.values.map((label) => ({ label, name: valueScope.claim(enumValueName(label)) })),
    });
  }

  const models = catalog.tables.filter((t) => !HIDDEN_TABLES.has(t.name)).map((table): TableModel => {
    const sqlName = table.schema === mainSchema ? table.name : `${table.schema}_${table.name}`;
    const base = camelCase(sqlName);
    const typeName = typeScope.claim(`${prefix}_${pascalCase(sqlName)}`);
    const t = (suffix: string) => typeScope.claim(`${typeName}${suffix}`);
    const op = (name: string) => opScope.claim(name);
    const Base = base.charAt(0).toUpperCase() + base.slice(1);
    const fieldScope = new NameScope(['__typename']);
    const columns = table.columns.map((column): ColumnModel => {
      const enumModel = column.typeCategory === 'enum' ? enums.get(`${column.typeSchema}.${column.type}`) : undefined;
      return {
        kind: 'column',
        field: fieldScope.claim(camelCase(column.name)),
        column,
        scalar: scalarOf(column),
        enum: enumModel,
        castToText: !enumModel && !JSON_SAFE_TYPES.has(column.type),
      };
    });
    const writable = !options.readOnly;
    return {
      database,
      table,
      typeName,
      ops: {
        list: op(base), byPk: op(`${base}ByPk`), connection: op(`${base}Connection`), aggregate: op(`${base}Aggregate`),
        insert: mutationScope.claim(`insert${Base}`), update: mutationScope.claim(`update${Base}`), delete: mutationScope.claim(`delete${Base}`),
        updateByPk: mutationScope.claim(`update${Base}ByPk`), deleteByPk: mutationScope.claim(`delete${Base}ByPk`),
      },
      types: {
        filter: t('Filter'), orderBy: t('OrderBy'), insert: t('InsertInput'), set: t('SetInput'), connection: t('Connection'),
        edge: t('Edge'), aggregate: t('Aggregate'), column: t('Column'), constraint: t('Constraint'), onConflict: t('OnConflict'),
      },
      columns,
      columnsBySql: new Map(columns.map((c) => [c.column.name, c])),
      relations: [],
      fields: new Map(columns.map((c) => [c.field, c])),
      primaryKey: table.primaryKey.map((name) => columns.find((c) => c.column.name === name)!),
      canInsert: writable && table.insertable && table.privileges.insert,
      canUpdate: writable && table.updatable && table.privileges.update,
      canDelete: writable && table.deletable && table.privileges.delete,
    };
  });
  nameRelations(models);
  return {
    database,
    typePrefix: prefix,
    queryType: `${prefix}_Query`,
    mutationType: `${prefix}_Mutation`,
    catalog,
    tables: models,
    enums: [...enums.values()],
  };
}

/** Adds both directions of every foreign key: many-to-one first (all tables), then one-to-many. */
function nameRelations(models: TableModel[]): void {
  const byKey = new Map(models.map((m) => [`${m.table.schema}.${m.table.name}`, m]));
  const scopes = new Map(models.map((m) => [m, new NameScope(['__typename', ...m.fields.keys()])]));
  const add = (owner: TableModel, wanted: string, byColumns: string[], rel: Omit<RelationModel, 'field' | 'kind'>) => {
    const scope = scopes.get(owner)!;
    const field = scope.claim(scope.has(wanted) ? `${wanted}By${byColumns.map(pascalCase).join('And')}` : wanted);
    const model: RelationModel = { kind: 'relation', field, ...rel };
    owner.relations.push(model);
    owner.fields.set(field, model);
  };
  // Every foreign key with both ends exposed, with its name when several point to the same table.
  const links = models.flatMap((source) =>
    source.table.foreignKeys.flatMap((fk) => {
      const target = byKey.get(`${fk.targetSchema}.${fk.targetTable}`);
      if (!target) return [];
      const ambiguous = source.table.foreignKeys.filter((f) => f.targetSchema === fk.targetSchema && f.targetTable === fk.targetTable).length > 1;
      const name = (table: TableModel) => (ambiguous ? `${camelCase(table.table.name)}By${fk.columns.map(pascalCase).join('And')}` : camelCase(table.table.name));
      return [{ source, target, fk, name }];
    }),
  );
  for (const { source, target, fk, name } of links) {
    add(source, name(target), fk.columns, { many: false, constraint: fk.name, columns: fk.columns, targetColumns: fk.targetColumns, target });
  }
  for (const { source, target, fk, name } of links) {
    add(target, name(source), fk.columns, { many: true, constraint: fk.name, columns: fk.targetColumns, targetColumns: fk.columns, target: source });
  }
}
