import type { RelationModel, TableModel } from './database-model.js';
import type { NameScope } from './inflect.js';

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

const SUFFIXES = {
  sum: 'SumFields', avg: 'AvgFields', min: 'MinFields', max: 'MaxFields', group: 'Group', groupKey: 'GroupKey',
  column: 'AggregateColumn', bucketKey: 'GroupByKey', filter: 'AggregateFilter', sumFilter: 'SumFilter', avgFilter: 'AvgFilter',
  minMaxFilter: 'MinMaxFilter', orderBy: 'AggregateOrderBy', sumOrderBy: 'SumOrderBy', minMaxOrderBy: 'MinMaxOrderBy',
  groupOrderBy: 'GroupOrderBy', groupKeyOrderBy: 'GroupKeyOrderBy',
} as const satisfies Record<Exclude<keyof AggregateNames, 'groupBy'>, string>;

function nameAggregates(table: TableModel, claimType: (name: string) => string, claimOp: (name: string) => string): AggregateNames {
  const types = Object.fromEntries(Object.entries(SUFFIXES).map(([key, suffix]) => [key, claimType(`${table.typeName}${suffix}`)]));
  return { groupBy: claimOp(`${table.ops.list}GroupBy`), ...types } as AggregateNames;
}

/**
 * Claims a table's aggregate names in its database's scopes: `<list>GroupBy` for the root field,
 * `<TypeName><Suffix>` for types (`Engineer_SdBacklogMapSumFields`). Called after every table and
 * enum has its own names, so these never rename one of them: a taken name gets the usual suffix.
 */
export function claimAggregateNames(table: TableModel, scopes: { typeScope: NameScope; opScope: NameScope }): void {
  const sqlName = table.table.name;
  namesByTable.set(table, nameAggregates(table, (n) => scopes.typeScope.claim(n, sqlName), (n) => scopes.opScope.claim(n, sqlName)));
}

/** The aggregate names of a table (claimed by its database model; derived unclaimed for a hand-made model). */
export function aggregateNames(table: TableModel): AggregateNames {
  let names = namesByTable.get(table);
  if (!names) namesByTable.set(table, (names = nameAggregates(table, (n) => n, (n) => n)));
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
