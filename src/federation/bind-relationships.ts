import type { RelationshipConfig } from '../config/index.js';
import type { ColumnModel, DatabaseModel, RemoteFieldModel, TableModel } from '../naming/index.js';

/** A relationship resolved against the current models: both ends exist, columns known. */
export interface RemoteBinding {
  relationship: RelationshipConfig;
  source: TableModel;
  target: TableModel;
  field: RemoteFieldModel;
  targetColumns: ColumnModel[];
}

export interface BindResult {
  bindings: RemoteBinding[];
  /** Relationships that could not be bound (a database, table or column is missing), in words. */
  problems: string[];
}

function findTable(models: readonly DatabaseModel[], end: RelationshipConfig['from']): TableModel | undefined {
  return models.find((m) => m.database === end.database)?.tables.find((t) => t.table.name === end.table && t.table.schema === end.schema);
}

/**
 * Attaches every relationship to its source table model as a remote field (mutating the
 * freshly built models of one schema build). A relationship whose ends are not (yet)
 * available is skipped and reported, so one database being down hides only its own edges.
 */
export function bindRelationships(models: readonly DatabaseModel[], relationships: readonly RelationshipConfig[]): BindResult {
  const bindings: RemoteBinding[] = [];
  const problems: string[] = [];
  for (const relationship of relationships) {
    const { from, to } = relationship;
    const source = findTable(models, from);
    const target = findTable(models, to);
    const where = `relationship ${from.database}.${from.table}.${relationship.name}`;
    if (!source || !target) {
      problems.push(`${where}: ${!source ? `${from.database}.${from.schema}.${from.table}` : `${to.database}.${to.schema}.${to.table}`} is not available`);
      continue;
    }
    const sourceColumns = from.columns.map((c) => source.columnsBySql.get(c));
    const targetColumns = to.columns.map((c) => target.columnsBySql.get(c));
    if (sourceColumns.some((c) => !c) || targetColumns.some((c) => !c)) {
      problems.push(`${where}: unknown column in ${sourceColumns.some((c) => !c) ? 'from' : 'to'}.columns`);
      continue;
    }
    if (source.fields.has(relationship.name)) {
      problems.push(`${where}: ${source.typeName} already has a field "${relationship.name}"`);
      continue;
    }
    const field: RemoteFieldModel = {
      kind: 'remote',
      field: relationship.name,
      relationship: relationship.name,
      many: relationship.type === 'array',
      columns: sourceColumns as ColumnModel[],
    };
    source.fields.set(field.field, field);
    bindings.push({ relationship, source, target, field, targetColumns: targetColumns as ColumnModel[] });
  }
  return { bindings, problems };
}
