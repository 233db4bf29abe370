import type { Catalog, Column, EnumType, Table, UniqueConstraint } from '../catalog/index.js';
import { claimAggregateNames } from './aggregate-names.js';
import { bySeniority, camelCase, enumValueName, fieldName, NameScope, pascalCase } from './inflect.js';

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
  /** Unique constraints (primary key included) with their GraphQL enum value name, for onConflict. */
  constraints: { value: string; constraint: UniqueConstraint }[];
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

/** Tables that belong to tooling, not to the application (node-pg-migrate's bookkeeping). */
export const HIDDEN_TABLES = new Set(['pgmigrations']);

type TableNames = Pick<TableModel, 'typeName' | 'ops' | 'types'>;

/**
 * Names every table, column, relation and enum of one database's catalog, by the rule in
 * inflect.ts. Pure and deterministic: the same catalog always gives the same names. Names are
 * claimed oldest first (rule 6), so adding an object never renames one that exists.
 */
export function buildDatabaseModel(database: string, catalog: Catalog, options: { readOnly?: boolean; schemas?: string[] } = {}): DatabaseModel {
  const prefix = pascalCase(database);
  const mainSchema = options.schemas?.[0] ?? 'public';
  const sqlNameOf = (o: { schema: string; name: string }) => (o.schema === mainSchema ? o.name : `${o.schema}_${o.name}`);
  const typeScope = new NameScope([`${prefix}_Query`, `${prefix}_Mutation`]);
  const baseScope = new NameScope();
  const opScope = new NameScope();
  const mutationScope = new NameScope();
  const tables = catalog.tables.filter((t) => !HIDDEN_TABLES.has(t.name));

  const enums = new Map<string, EnumModel>();
  const names = new Map<Table, TableNames>();
  // Enums and tables share the type scope: one pass over both, oldest first.
  // NOTE: Postgres allows an enum without labels, GraphQL does not; its columns are plain strings.
  const claimants = bySeniority<EnumType | Table>([...catalog.enums.filter((e) => e.values.length > 0), ...tables], (o) => o.oid);
  for (const item of claimants) {
    if ('values' in item) enums.set(`${item.schema}.${item.name}`, nameEnum(item, sqlNameOf(item), prefix, typeScope));
    else names.set(item, nameTable(sqlNameOf(item), prefix, { typeScope, baseScope, opScope, mutationScope }));
  }

  const models = tables.map((table): TableModel => {
    const fieldScope = new NameScope();
    const columns = table.columns.map((column): ColumnModel => {
      const enumModel = column.typeCategory === 'enum' ? enums.get(`${column.typeSchema}.${column.type}`) : undefined;
      return {
        kind: 'column',
        field: fieldScope.claim(fieldName(column.name), column.name),
        column,
        scalar: scalarOf(column),
        enum: enumModel,
        castToText: !enumModel && !JSON_SAFE_TYPES.has(column.type),
      };
    });
    const constraintScope = new NameScope();
    const values = new Map(bySeniority(table.uniqueConstraints, (u) => u.oid).map((u) => [u, constraintScope.claim(enumValueName(u.name), u.name)]));
    const writable = !options.readOnly;
    return {
      database,
      table,
      ...names.get(table)!,
      columns,
      columnsBySql: new Map(columns.map((c) => [c.column.name, c])),
      constraints: table.uniqueConstraints.map((constraint) => ({ value: values.get(constraint)!, constraint })),
      relations: [],
      fields: new Map(columns.map((c) => [c.field, c])),
      primaryKey: table.primaryKey.map((name) => columns.find((c) => c.column.name === name)!),
      canInsert: writable && table.insertable && table.privileges.insert,
      canUpdate: writable && table.updatable && table.privileges.update,
      canDelete: writable && table.deletable && table.privileges.delete,
    };
  });
  nameRelations(models);
  for (const model of bySeniority(models, (m) => m.table.oid)) claimAggregateNames(model, { typeScope, opScope });
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

function nameEnum(e: EnumType, sqlName: string, prefix: string, typeScope: NameScope): EnumModel {
  const base = pascalCase(sqlName);
  const valueScope = new NameScope();
  return {
    enumType: e,
    typeName: typeScope.claim(`${prefix}_${base}`, sqlName),
    filterName: typeScope.claim(`${prefix}_${base}Filter`, sqlName),
    values: e.values.map((label) => ({ label, name: valueScope.claim(enumValueName(label), label) })),
  };
}

interface Scopes {
  typeScope: NameScope;
  baseScope: NameScope;
  opScope: NameScope;
  mutationScope: NameScope;
}

/** A table's type and operation names; a newer table whose name collides carries its own SQL name as suffix (rule 6). */
function nameTable(sqlName: string, prefix: string, { typeScope, baseScope, opScope, mutationScope }: Scopes): TableNames {
  const plain = camelCase(sqlName);
  const base = baseScope.claim(plain, sqlName);
  const suffix = base.slice(plain.length);
  const typeName = typeScope.claim(`${prefix}_${pascalCase(sqlName)}${suffix}`, sqlName);
  const t = (name: string) => typeScope.claim(`${typeName}${name}`, sqlName);
  const op = (name: string) => opScope.claim(name, sqlName);
  const write = (name: string) => mutationScope.claim(name, sqlName);
  const Base = base.charAt(0).toUpperCase() + base.slice(1);
  return {
    typeName,
    ops: {
      list: op(base), byPk: op(`${base}ByPk`), connection: op(`${base}Connection`), aggregate: op(`${base}Aggregate`),
      insert: write(`insert${Base}`), update: write(`update${Base}`), delete: write(`delete${Base}`),
      updateByPk: write(`update${Base}ByPk`), deleteByPk: write(`delete${Base}ByPk`),
    },
    types: {
      filter: t('Filter'), orderBy: t('OrderBy'), insert: t('InsertInput'), set: t('SetInput'), connection: t('Connection'),
      edge: t('Edge'), aggregate: t('Aggregate'), column: t('Column'), constraint: t('Constraint'), onConflict: t('OnConflict'),
    },
  };
}

/**
 * Adds both directions of every foreign key, named after the table at the other end. Keys
 * claim their names oldest first (rule 6): a newer key whose name is taken (by a column or an
 * older key) is `<name>By<Columns>`. Fields are then listed many-to-one first, in catalog order.
 */
function nameRelations(models: TableModel[]): void {
  const byKey = new Map(models.map((m) => [`${m.table.schema}.${m.table.name}`, m]));
  const scopes = new Map(models.map((m) => [m, new NameScope(m.fields.keys())]));
  const links = models.flatMap((source) =>
    source.table.foreignKeys.flatMap((fk) => {
      const target = byKey.get(`${fk.targetSchema}.${fk.targetTable}`);
      return target ? [{ source, target, fk }] : [];
    }),
  );
  const order = new Map<RelationModel, number>();
  const add = (owner: TableModel, otherTable: string, byColumns: string[], constraint: string, rel: Omit<RelationModel, 'field' | 'kind'>, rank: number) => {
    const scope = scopes.get(owner)!;
    const wanted = fieldName(otherTable);
    const field = scope.has(wanted) ? scope.claim(`${camelCase(otherTable)}By${byColumns.map(pascalCase).join('And')}`, constraint) : scope.claim(wanted);
    const model: RelationModel = { kind: 'relation', field, ...rel };
    owner.relations.push(model);
    order.set(model, rank);
  };
  for (const link of bySeniority(links, (l) => l.fk.oid)) {
    const { source, target, fk } = link;
    const rank = links.indexOf(link);
    add(source, target.table.name, fk.columns, fk.name, { many: false, constraint: fk.name, columns: fk.columns, targetColumns: fk.targetColumns, target }, rank);
    add(target, source.table.name, fk.columns, fk.name, { many: true, constraint: fk.name, columns: fk.targetColumns, targetColumns: fk.columns, target: source }, links.length + rank);
  }
  for (const model of models) {
    model.relations.sort((a, b) => order.get(a)! - order.get(b)!);
    for (const rel of model.relations) model.fields.set(rel.field, rel);
  }
}
