import type { RelationModel, TableModel } from './database-model.js';

/** Names of the aggregate and group-by fields and types of one table (issue #13). */
export interface AggregateNames {
  /** `tGroupBy` inside the database's Query namespace. */
  groupBy: string;
  /** Object types. */
  sum: string;
  avg: string;
  min: string;
  max: string;
  group: string;
  groupKey: string;
  /** Input and enum types. */
  column: string;
  bucketKey: string;
  filter: string;
  sumFilter: string;
  avgFilter: string;
  minMaxFilter: string;
  orderBy: string;
  sumOrderBy: string;
  minMaxOrderBy: string;
  groupOrderBy: string;
  groupKeyOrderBy: string;
}

const namesByTable = new WeakMap<TableModel, AggregateNames>();
const twinsByTable = new WeakMap<TableModel, Map<string, RelationModel>>();

/**
 * Aggregate names follow the table's own names: `<list>GroupBy` for the root field and
 * `<TypeName><Suffix>` for types (`Engineer_SdBacklogMapSumFields`), so they stay stable
 * whenever the table's names do.
 */
export function aggregateNames(table: TableModel): AggregateNames {
  let names = namesByTable.get(table);
  if (names) return names;
  const t = (suffix: string) => `${table.typeName}${suffix}`;
  names = {
    groupBy: `${table.ops.list}GroupBy`,
    sum: t('SumFields'),
    avg: t('AvgFields'),
    min: t('MinFields'),
    max: t('MaxFields'),
    group: t('Group'),
    groupKey: t('GroupKey'),
    column: t('AggregateColumn'),
    bucketKey: t('GroupByKey'),
    filter: t('AggregateFilter'),
    sumFilter: t('SumFilter'),
    avgFilter: t('AvgFilter'),
    minMaxFilter: t('MinMaxFilter'),
    orderBy: t('AggregateOrderBy'),
    sumOrderBy: t('SumOrderBy'),
    minMaxOrderBy: t('MinMaxOrderBy'),
    groupOrderBy: t('GroupOrderBy'),
    groupKeyOrderBy: t('GroupKeyOrderBy'),
  };
  namesByTable.set(table, names);
  return names;
}

/**
 * The aggregate twin of every one-to-many relation: `<relation>Aggregate` (`sdBacklogMapAggregate`),
 * by twin name. A twin whose name a column or relation already holds is left out.
 */
export function relationAggregates(table: TableModel): ReadonlyMap<string, RelationModel> {
  let twins = twinsByTable.get(table);
  if (twins) return twins;
  twins = new Map();
  for (const relation of table.relations) {
    if (!relation.many) continue;
    const name = `${relation.field}Aggregate`;
    if (table.fields.has(name) || twins.has(name)) continue;
    twins.set(name, relation);
  }
  twinsByTable.set(table, twins);
  return twins;
}
