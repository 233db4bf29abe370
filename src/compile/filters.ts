import { GatewayError } from '../errors/index.js';
import { relationAggregates, type TableModel } from '../naming/index.js';
import { havingFromArgs, relationAggregateOrder } from './aggregate-args.js';
import type { ComparisonOp, Condition, ListOrderTerm, OrderTerm } from './plan.js';

const COMPARISONS = new Set<string>(['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'in', 'nin', 'like', 'ilike', 'contains']);

/**
 * Turns a coerced `where` argument (GraphQL field names, enum labels already mapped by
 * GraphQL) into a Condition. Every key is checked against the model, so an unknown one
 * is an error rather than silently ignored.
 */
export function conditionFromWhere(table: TableModel, where: Record<string, unknown> | null | undefined): Condition | undefined {
  if (!where) return undefined;
  const items: Condition[] = [];
  for (const [key, value] of Object.entries(where)) {
    if (value === undefined) continue;
    if (value === null) {
      throw new GatewayError('BAD_USER_INPUT', `where.${key} is null, which is not a condition`, {
        database: table.database,
        hint: `leave ${key} out${key === 'and' || key === 'or' || key === 'not' || table.fields.get(key)?.kind === 'relation' ? '' : `, or use { ${key}: { isNull: true } } to match NULL`}`,
      });
    }
    if (key === 'and' || key === 'or') {
      const parts = (value as Record<string, unknown>[]).map((w) => conditionFromWhere(table, w) ?? TRUE);
      items.push({ op: key, items: parts });
    } else if (key === 'not') {
      items.push({ op: 'not', item: conditionFromWhere(table, value as Record<string, unknown>) ?? TRUE });
    } else {
      const twin = relationAggregates(table).get(key);
      if (twin) {
        const having = havingFromArgs(twin.target, value as Record<string, unknown>, `where.${key}`);
        if (!having) throw new GatewayError('BAD_USER_INPUT', `where.${key} has no condition`, { database: table.database, hint: `e.g. { ${key}: { count: { gt: 0 } } }` });
        items.push({ op: 'relationAggregate', relation: twin, having });
        continue;
      }
      const field = table.fields.get(key);
      if (!field || field.kind === 'remote') {
        throw new GatewayError('BAD_USER_INPUT', `where: ${table.typeName} has no filterable field "${key}"`, { database: table.database });
      }
      if (field.kind === 'relation') {
        items.push({ op: 'exists', relation: field, where: conditionFromWhere(field.target, value as Record<string, unknown>) ?? TRUE });
        continue;
      }
      if (typeof value !== 'object' || Array.isArray(value)) {
        throw new GatewayError('BAD_USER_INPUT', `where.${key}: expected an object of comparisons such as { eq: … }`, { database: table.database });
      }
      const before = items.length;
      for (const [cmp, operand] of Object.entries(value as Record<string, unknown>)) {
        if (operand === undefined) continue;
        if (cmp !== 'isNull' && !COMPARISONS.has(cmp)) {
          throw new GatewayError('BAD_USER_INPUT', `where.${key}: unknown comparison "${cmp}"`, { database: table.database, hint: `use one of ${[...COMPARISONS].join(', ')}, isNull` });
        }
        if (operand === null) {
          throw new GatewayError('BAD_USER_INPUT', `where.${key}.${cmp}: null is not a value to compare with`, {
            database: table.database,
            hint: cmp === 'isNull' ? 'isNull takes true or false' : `use { ${key}: { isNull: true } }`,
          });
        }
        items.push(cmp === 'isNull' ? { op: 'isNull', column: field, isNull: operand as boolean } : { op: 'cmp', column: field, cmp: cmp as ComparisonOp, value: operand });
      }
      // SECURITY: `{ email: {} }` (or one whose operands were all dropped) must not read as "no condition".
      if (items.length === before) {
        throw new GatewayError('BAD_USER_INPUT', `where.${key} has no comparison`, {
          database: table.database,
          hint: `name one of ${[...COMPARISONS].join(', ')}, isNull, or leave ${key} out`,
        });
      }
    }
  }
  if (items.length === 0) return undefined;
  return items.length === 1 ? items[0] : { op: 'and', items };
}

/** An always-true condition (an empty `and`). */
const TRUE: Condition = { op: 'and', items: [] };

/** True when `condition` holds for every row whatever its values (none, or `and`s of nothing). */
export function matchesEveryRow(condition: Condition | undefined): boolean {
  if (!condition) return true;
  if (condition.op === 'and') return condition.items.every(matchesEveryRow);
  if (condition.op === 'or') return condition.items.some(matchesEveryRow);
  return false;
}

export const ORDER_DIRECTIONS: Record<string, { descending: boolean; nullsFirst: boolean }> = {
  ASC: { descending: false, nullsFirst: false },
  ASC_NULLS_FIRST: { descending: false, nullsFirst: true },
  ASC_NULLS_LAST: { descending: false, nullsFirst: false },
  DESC: { descending: true, nullsFirst: true },
  DESC_NULLS_FIRST: { descending: true, nullsFirst: true },
  DESC_NULLS_LAST: { descending: true, nullsFirst: false },
};

/** `orderBy: [{ col: DESC }, …]` in list order (keys of one object in their written order). */
export function orderFromArgs(table: TableModel, orderBy: unknown): OrderTerm[] {
  return orderTerms(table, orderBy, false) as OrderTerm[];
}

/** As orderFromArgs, plus terms on a one-to-many relation's aggregate (`{ sdBacklogMapAggregate: { count: DESC } }`). */
export function listOrderFromArgs(table: TableModel, orderBy: unknown): ListOrderTerm[] {
  return orderTerms(table, orderBy, true);
}

function orderTerms(table: TableModel, orderBy: unknown, aggregates: boolean): ListOrderTerm[] {
  if (!orderBy) return [];
  const list = Array.isArray(orderBy) ? orderBy : [orderBy];
  const terms: ListOrderTerm[] = [];
  for (const item of list as Record<string, string | null>[]) {
    for (const [key, direction] of Object.entries(item ?? {})) {
      if (!direction) continue;
      const byAggregate = relationAggregateOrder(table, key, direction);
      if (byAggregate) {
        if (!aggregates) {
          throw new GatewayError('BAD_USER_INPUT', `orderBy.${key}: a Connection is ordered by columns only`, { database: table.database, hint: 'order the list field by aggregates instead' });
        }
        terms.push(...byAggregate);
        continue;
      }
      if (!ORDER_DIRECTIONS[direction]) throw new GatewayError('BAD_USER_INPUT', `orderBy.${key}: unknown direction "${direction}"`, { database: table.database });
      const column = table.fields.get(key);
      if (!column || column.kind !== 'column') {
        throw new GatewayError('BAD_USER_INPUT', `orderBy: ${table.typeName} has no column "${key}"`, { database: table.database });
      }
      terms.push({ column, ...ORDER_DIRECTIONS[direction] });
    }
  }
  return terms;
}

/** The order a list gets when none is asked for: the primary key, so pages are stable. */
export function defaultOrder(table: TableModel): OrderTerm[] {
  return table.primaryKey.map((column) => ({ column, descending: false, nullsFirst: false }));
}
