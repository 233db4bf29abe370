import type { GraphQLResolveInfo } from 'graphql';
import type { ColumnModel, DatabaseModel, EnumModel, TableModel } from '../naming/index.js';
import { declareAggregateTypes, relationAggregateFilterFields, relationAggregateOrderFields } from './aggregate-types.js';
import { comparisonInput, type AnyRef, type Builder, type Row, type SharedTypes } from './builder.js';

/** Every generated field reads its value from the row json under its response name (alias). */
export const byAlias = (parent: Row, _args: unknown, _ctx: unknown, info: GraphQLResolveInfo) => parent[info.path.key as string];

/** Refs of one table's generated types. */
export interface TableRefs {
  model: TableModel;
  object: AnyRef;
  filter: AnyRef;
  orderBy: AnyRef;
  insert?: AnyRef;
  set?: AnyRef;
  onConflict?: AnyRef;
  connection: AnyRef;
  aggregate: AnyRef;
}

export interface DatabaseRefs {
  model: DatabaseModel;
  tables: Map<TableModel, TableRefs>;
  enums: Map<EnumModel, { type: AnyRef; filter: AnyRef }>;
}

function columnType(column: ColumnModel, enums: DatabaseRefs['enums']): AnyRef {
  const base = column.enum ? enums.get(column.enum)!.type : column.scalar;
  return column.column.isArray ? [base] : base;
}

function description(text: string | null | undefined): string | undefined {
  return text ?? undefined;
}

/** Declares the object, filter, order, input, connection and aggregate types of every table of one database. */
export function declareTableTypes(builder: Builder, shared: SharedTypes, pageInfo: AnyRef, model: DatabaseModel): DatabaseRefs {
  const b = builder as any;
  const enums: DatabaseRefs['enums'] = new Map();
  for (const e of model.enums) {
    const type = b.enumType(e.typeName, {
      description: `Values of the Postgres enum ${e.enumType.schema}.${e.enumType.name}.`,
      values: Object.fromEntries(e.values.map((v) => [v.name, { value: v.label, description: v.label === v.name ? undefined : `Postgres label "${v.label}"` }])),
    });
    enums.set(e, { type, filter: comparisonInput(builder, e.filterName, type, ['eq', 'neq', 'in', 'nin']) });
  }
  const refs: DatabaseRefs = { model, tables: new Map(), enums };
  for (const table of model.tables) {
    refs.tables.set(table, {
      model: table,
      object: b.objectRef(table.typeName),
      filter: b.inputRef(table.types.filter),
      orderBy: b.inputRef(table.types.orderBy),
      connection: b.objectRef(table.types.connection),
      aggregate: b.objectRef(table.types.aggregate),
    });
  }
  for (const table of model.tables) implementTable(b, shared, pageInfo, refs, refs.tables.get(table)!);
  declareAggregateTypes(builder, shared, refs);
  return refs;
}

function implementTable(b: any, shared: SharedTypes, pageInfo: AnyRef, refs: DatabaseRefs, r: TableRefs): void {
  const { model: table } = r;
  const kind = table.table.kind === 'table' || table.table.kind === 'partitioned_table' ? 'Table' : 'View';
  r.object.implement({
    description: description(table.table.comment) ?? `${kind} ${table.table.schema}.${table.table.name}.`,
    fields: (t: any) => {
      const fields: Record<string, unknown> = {};
      for (const c of table.columns) {
        fields[c.field] = t.field({
          type: columnType(c, refs.enums),
          nullable: c.column.isArray ? { list: c.column.nullable, items: true } : c.column.nullable,
          description: description(c.column.comment),
          resolve: byAlias,
        });
      }
      for (const rel of table.relations) {
        const target = refs.tables.get(rel.target)!;
        fields[rel.field] = rel.many
          ? t.field({
              type: [target.object],
              description: `Rows of ${rel.target.table.name} whose ${rel.targetColumns.join(', ')} point here (${rel.constraint}).`,
              args: listArgs(t, target),
              resolve: byAlias,
            })
          : t.field({
              type: target.object,
              nullable: true,
              description: `The ${rel.target.table.name} row that ${rel.columns.join(', ')} points to (${rel.constraint}).`,
              resolve: byAlias,
            });
      }
      return fields;
    },
  });
  r.filter.implement({
    description: `Conditions on ${table.table.name}; all given fields must hold. A relation field holds when a related row matches.`,
    fields: (t: any) => {
      const fields: Record<string, unknown> = {};
      for (const c of table.columns) {
        if (c.column.isArray) continue;
        fields[c.field] = t.field({ type: c.enum ? refs.enums.get(c.enum)!.filter : shared.filters[c.scalar], required: false });
      }
      for (const rel of table.relations) fields[rel.field] = t.field({ type: refs.tables.get(rel.target)!.filter, required: false });
      Object.assign(fields, relationAggregateFilterFields(t, refs, table));
      fields.and = t.field({ type: [r.filter], required: false });
      fields.or = t.field({ type: [r.filter], required: false });
      fields.not = t.field({ type: r.filter, required: false });
      return fields;
    },
  });
  r.orderBy.implement({
    description: `Sort keys of ${table.table.name}; one column per object keeps the order explicit.`,
    fields: (t: any) => ({
      ...Object.fromEntries(table.columns.filter(orderable).map((c) => [c.field, t.field({ type: shared.orderDirection, required: false })])),
      ...relationAggregateOrderFields(t, refs, table),
    }),
  });
  r.connection.implement({
    description: `A page of ${table.table.name} with keyset cursors.`,
    fields: (t: any) => ({
      edges: t.field({ type: [edgeType(b, r)], resolve: (p: Row) => p.edges }),
      nodes: t.field({ type: [r.object], resolve: (p: Row) => p.edges.map((e: Row) => e.node) }),
      pageInfo: t.field({ type: pageInfo, resolve: (p: Row) => p.pageInfo }),
      totalCount: t.int({ description: 'Rows matching `where`, all pages together.', resolve: (p: Row) => p.totalCount }),
    }),
  });
  if (table.canInsert || table.canUpdate) declareWriteInputs(b, refs, r);
}

function edgeType(b: any, r: TableRefs): AnyRef {
  return b.objectType(r.model.types.edge, {
    fields: (t: any) => ({
      cursor: t.string({ resolve: (p: Row) => p.cursor }),
      node: t.field({ type: r.object, resolve: (p: Row) => p.node }),
    }),
  });
}

export function orderable(c: ColumnModel): boolean {
  return !c.column.isArray && c.scalar !== 'JSON';
}

/** where / orderBy / limit / offset, as on root list fields and one-to-many relations. */
export function listArgs(t: any, target: TableRefs) {
  return {
    where: t.arg({ type: target.filter, required: false }),
    orderBy: t.arg({ type: [target.orderBy], required: false }),
    limit: t.arg.int({ required: false, description: 'Rows to return (default and maximum are set by the gateway).' }),
    offset: t.arg.int({ required: false }),
  };
}

function declareWriteInputs(b: any, refs: DatabaseRefs, r: TableRefs): void {
  const table = r.model;
  const writable = table.columns.filter((c) => !c.column.generated);
  const inputFields = (t: any) =>
    Object.fromEntries(writable.map((c) => [c.field, t.field({ type: columnType(c, refs.enums), required: false, description: description(c.column.comment) })]));
  if (table.canInsert) r.insert = b.inputType(table.types.insert, { description: `A row to insert into ${table.table.name}; omitted columns take their default.`, fields: inputFields });
  if (table.canUpdate) r.set = b.inputType(table.types.set, { description: `New values for columns of ${table.table.name}.`, fields: inputFields });
  if (table.canInsert && table.constraints.length > 0) {
    const columnEnum = b.enumType(table.types.column, {
      values: Object.fromEntries(writable.map((c) => [c.field, { value: c.column.name }])),
    });
    const constraintEnum = b.enumType(table.types.constraint, {
      values: Object.fromEntries(
        table.constraints.map(({ value, constraint: u }) => [value, { value: u.name, description: `${u.primary ? 'primary key' : 'unique'} (${u.columns.join(', ')})` }]),
      ),
    });
    r.onConflict = b.inputType(table.types.onConflict, {
      description: 'What to do when an inserted row collides with an existing one on a unique constraint (upsert).',
      fields: (t: any) => ({
        constraint: t.field({ type: constraintEnum, required: true }),
        update: t.field({ type: [columnEnum], required: false, description: 'Columns overwritten from the new row.' }),
        doNothing: t.boolean({ required: false, description: 'Keep the existing row, skip the new one.' }),
      }),
    });
  }
}
