import type { GraphQLResolveInfo } from 'graphql';
import {
  compileByPk,
  compileConnection,
  compileList,
  encodeCursor,
  planByPk,
  planConnection,
  memoPlan,
  planContextFromInfo,
  planList,
  type ConnectionArgs,
  type ListArgs,
  type PlanContext,
} from '../compile/index.js';
import type { TableModel } from '../naming/index.js';
import { aggregateQueryFields } from './aggregate-types.js';
import type { AnyRef, Row } from './builder.js';
import type { GatewayContext } from './context.js';
import { listArgs, type DatabaseRefs } from './table-types.js';

export function planContext(info: GraphQLResolveInfo, ctx: GatewayContext): PlanContext {
  return planContextFromInfo(info, ctx.limits);
}

const selections = (info: GraphQLResolveInfo) => info.fieldNodes.map((n) => n.selectionSet);

/** Root list: the whole nested same-database selection is ONE statement. */
async function resolveList(table: TableModel, args: ListArgs, ctx: GatewayContext, info: GraphQLResolveInfo) {
  const query = memoPlan(info.schema, info, () => compileList(planList(table, selections(info), args, planContext(info, ctx), table.ops.list)));
  const rows = await ctx.read(table.database, query);
  return rows[0].data;
}

async function resolveByPk(table: TableModel, args: Row, ctx: GatewayContext, info: GraphQLResolveInfo) {
  const query = memoPlan(info.schema, info, () => compileByPk(planByPk(table, info.fieldNodes, args, planContext(info, ctx))));
  const rows = await ctx.read(table.database, query);
  return rows[0]?.data ?? null;
}

async function resolveConnection(table: TableModel, args: ConnectionArgs, ctx: GatewayContext, info: GraphQLResolveInfo) {
  const { plan, query } = memoPlan(info.schema, info, () => {
    const plan = planConnection(table, info.fieldNodes, args, planContext(info, ctx));
    return { plan, query: compileConnection(plan) };
  });
  const [{ data }] = await ctx.read(table.database, query);
  const more = data.rows.length > plan.take;
  const rows: { o: Row; c: unknown[] }[] = more ? data.rows.slice(0, plan.take) : data.rows;
  if (plan.backward) rows.reverse();
  const edges = rows.map((r) => ({ node: r.o, cursor: encodeCursor(r.c) }));
  return {
    edges,
    totalCount: data.totalCount,
    pageInfo: {
      // NOTE: the far side is not queried; as the Relay spec allows, it is reported from the cursor given.
      hasNextPage: plan.backward ? args.before != null : more,
      hasPreviousPage: plan.backward ? more : args.after != null,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}

/** The `<Database>_Query` namespace type: list, byPk, connection, aggregate and group-by fields per table or view. */
export function implementQueryNamespace(refs: DatabaseRefs, ref: AnyRef): void {
  ref.implement({
    description: `Tables and views of the database "${refs.model.database}".`,
    fields: (t: any) => {
      const fields: Record<string, unknown> = {};
      for (const [table, r] of refs.tables) {
        const what = `${table.table.schema}.${table.table.name}`;
        fields[table.ops.list] = t.field({
          type: [r.object],
          description: `Rows of ${what}.`,
          args: listArgs(t, r),
          resolve: (_p: unknown, args: ListArgs, ctx: GatewayContext, info: GraphQLResolveInfo) => resolveList(table, args, ctx, info),
        });
        if (table.primaryKey.length > 0) {
          fields[table.ops.byPk] = t.field({
            type: r.object,
            nullable: true,
            description: `One row of ${what} by its primary key, or null.`,
            args: Object.fromEntries(
              table.primaryKey.map((c) => [c.field, t.arg({ type: c.enum ? refs.enums.get(c.enum)!.type : c.scalar, required: true })]),
            ),
            resolve: (_p: unknown, args: Row, ctx: GatewayContext, info: GraphQLResolveInfo) => resolveByPk(table, args, ctx, info),
          });
        }
        fields[table.ops.connection] = t.field({
          type: r.connection,
          description: `Rows of ${what}, a page at a time (keyset cursors).`,
          args: {
            first: t.arg.int({ required: false }),
            after: t.arg.string({ required: false }),
            last: t.arg.int({ required: false }),
            before: t.arg.string({ required: false }),
            where: t.arg({ type: r.filter, required: false }),
            orderBy: t.arg({ type: [r.orderBy], required: false }),
          },
          resolve: (_p: unknown, args: ConnectionArgs, ctx: GatewayContext, info: GraphQLResolveInfo) => resolveConnection(table, args, ctx, info),
        });
        Object.assign(fields, aggregateQueryFields(t, r));
      }
      return fields;
    },
  });
}
