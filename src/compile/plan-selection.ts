import { getArgumentValues, type FieldNode, type GraphQLObjectType, type GraphQLResolveInfo, type GraphQLSchema, type SelectionSetNode } from 'graphql';
import { GatewayError } from '../errors/index.js';
import type { TableModel } from '../naming/index.js';
import { collectFields, subSelections, type OperationInput } from './collect-fields.js';
import { readCursor } from './cursor.js';
import { conditionFromWhere, defaultOrder, orderFromArgs } from './filters.js';
import { remoteKeyAlias, type Condition, type ConnectionPlan, type FieldPlan, type OrderTerm, type SelectPlan } from './plan.js';

export interface PageLimits {
  defaultLimit: number;
  maxLimit: number;
}

/** Everything the planner reads besides the table: the operation and the live schema. */
export interface PlanContext extends OperationInput {
  schema: GraphQLSchema;
  limits: PageLimits;
  /** Told of each selected field that another layer resolves (the plan leaves it out). */
  onExternalField?: (typeName: string, field: string) => void;
}

/** Arguments of a list field (root or nested relation). */
/** The plan context of a resolver call. */
export function planContextFromInfo(info: GraphQLResolveInfo, limits: PageLimits): PlanContext {
  return { schema: info.schema, variables: info.variableValues, fragments: info.fragments, limits };
}

export interface ListArgs {
  where?: Record<string, unknown> | null;
  orderBy?: unknown;
  limit?: number | null;
  offset?: number | null;
}

function checkedLimit(value: number | null | undefined, limits: PageLimits, name: string, database: string): number {
  if (value === null || value === undefined) return limits.defaultLimit;
  if (value < 0) throw new GatewayError('BAD_USER_INPUT', `${name} must not be negative (got ${value})`, { database });
  if (value > limits.maxLimit) {
    throw new GatewayError('LIMIT_EXCEEDED', `${name} ${value} is above the maximum page size ${limits.maxLimit}`, {
      database,
      hint: 'page through the rows with offset or the Connection field',
    });
  }
  return value;
}

/** The selection under `nodes` on `table`, as the json row shape. */
export function planFields(table: TableModel, sets: readonly (SelectionSetNode | undefined)[], ctx: PlanContext): FieldPlan[] {
  const type = ctx.schema.getType(table.typeName) as GraphQLObjectType;
  const fields: FieldPlan[] = [];
  for (const [alias, nodes] of collectFields(sets, ctx)) {
    const name = nodes[0].name.value;
    if (name === '__typename') {
      fields.push({ kind: 'constant', alias, value: table.typeName });
      continue;
    }
    const model = table.fields.get(name);
    if (!model) {
      ctx.onExternalField?.(table.typeName, name); // a field of another layer (e.g. federation) resolves itself
      continue;
    }
    if (model.kind === 'column') {
      fields.push({ kind: 'column', alias, column: model });
      continue;
    }
    if (model.kind === 'remote') {
      fields.push({ kind: 'remote', alias, keyAlias: remoteKeyAlias(alias), columns: model.columns, many: model.many, sourceType: table.typeName, field: name, nodes });
      continue;
    }
    const args = model.many ? (getArgumentValues(type.getFields()[name], nodes[0], ctx.variables) as ListArgs) : {};
    const select = planList(model.target, subSelections(nodes), args, ctx, `${table.typeName}.${name}`);
    if (!model.many) select.limit = undefined;
    fields.push({ kind: 'relation', alias, relation: model, select });
  }
  return fields;
}

/** A list field: its rows' shape plus where / orderBy / limit / offset. */
export function planList(table: TableModel, sets: readonly (SelectionSetNode | undefined)[], args: ListArgs, ctx: PlanContext, path: string): SelectPlan {
  const orderBy = orderFromArgs(table, args.orderBy);
  return {
    table,
    fields: planFields(table, sets, ctx),
    where: conditionFromWhere(table, args.where),
    orderBy: orderBy.length ? orderBy : defaultOrder(table),
    limit: checkedLimit(args.limit, ctx.limits, `${path}(limit)`, table.database),
    offset: args.offset ? checkedLimit(args.offset, { defaultLimit: 0, maxLimit: Number.MAX_SAFE_INTEGER }, `${path}(offset)`, table.database) : undefined,
  };
}

/** `tByPk(pk columns…)`: one row by its primary key. */
export function planByPk(table: TableModel, nodes: readonly FieldNode[], args: Record<string, unknown>, ctx: PlanContext): SelectPlan {
  const items: Condition[] = table.primaryKey.map((column) => ({ op: 'cmp', column, cmp: 'eq', value: args[column.field] }));
  return { table, fields: planFields(table, subSelections(nodes), ctx), where: { op: 'and', items }, orderBy: [], limit: undefined };
}

export interface ConnectionArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
  where?: Record<string, unknown> | null;
  orderBy?: unknown;
}

/** Keyset order: the asked order plus the primary key (or every column) as a tie-breaker. */
function keysetOrder(table: TableModel, asked: OrderTerm[]): OrderTerm[] {
  const used = new Set(asked.map((t) => t.column));
  const tieBreak = table.primaryKey.length ? table.primaryKey : table.columns.filter((c) => c.scalar !== 'JSON' && !c.column.isArray);
  return [...asked, ...tieBreak.filter((c) => !used.has(c)).map((column) => ({ column, descending: false, nullsFirst: false }))];
}

/** `tConnection(first, after, last, before, where, orderBy) { edges { cursor node } pageInfo totalCount }`. */
export function planConnection(table: TableModel, nodes: readonly FieldNode[], args: ConnectionArgs, ctx: PlanContext): ConnectionPlan {
  if (args.first != null && args.last != null) {
    throw new GatewayError('BAD_USER_INPUT', `${table.ops.connection}: pass first or last, not both`, { database: table.database });
  }
  const backward = args.last != null;
  const take = checkedLimit(backward ? args.last : args.first, ctx.limits, `${table.ops.connection}(${backward ? 'last' : 'first'})`, table.database);
  const orderBy = keysetOrder(table, orderFromArgs(table, args.orderBy));
  // SECURITY: cursors are checked against the order's arity and column types before any SQL.
  const decode = (cursor: string | null | undefined, name: string) => {
    if (cursor == null) return undefined;
    const read = readCursor(cursor, orderBy);
    if ('reason' in read) {
      throw new GatewayError('BAD_USER_INPUT', `${table.ops.connection}(${name}): not a cursor of this field and order: ${read.reason}`, {
        database: table.database,
        hint: 'pass a cursor from edges.cursor or pageInfo of the same query shape (same orderBy)',
      });
    }
    return read.values;
  };
  const after = decode(args.after, 'after');
  const before = decode(args.before, 'before');
  const top = collectFields(subSelections(nodes), ctx);
  const nodeSets: (SelectionSetNode | undefined)[] = [];
  let totalCount = false;
  for (const fieldNodes of top.values()) {
    const name = fieldNodes[0].name.value;
    if (name === 'totalCount') totalCount = true;
    if (name === 'nodes') nodeSets.push(...subSelections(fieldNodes));
    if (name !== 'edges') continue;
    for (const edge of collectFields(subSelections(fieldNodes), ctx).values()) {
      if (edge[0].name.value === 'node') nodeSets.push(...subSelections(edge));
    }
  }
  return {
    select: { table, fields: planFields(table, nodeSets, ctx), where: conditionFromWhere(table, args.where), orderBy },
    take,
    backward,
    after,
    before,
    totalCount,
  };
}
