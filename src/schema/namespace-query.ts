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
import { GatewayError } from '../errors/index.js';
import type { TableModel } from '../naming/index.js';
import { aggregateQueryFields } from './aggregate-types.js';
import type { AnyRef, Row } from './builder.js';
import type { GatewayContext } from './context.js';
import { databaseError } from './db-errors.js';
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
  // NOTE: a copy, never the statement's own array: live queries share one result between subscribers.
  const rows: { o: Row; c: unknown[] }[] = data.rows.slice(0, plan.take);
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

/**
 * Runs one root field. Root fields are nullable, so a failure nulls this field only, with its
 * error at its own path; a database error is re-worded to name the field:
 * `[engineer.strategicDirectivesV2] …` (`[engineer.recent: strategicDirectivesV2] …` under an alias).
 */
export async function atField<T>(table: TableModel, info: GraphQLResolveInfo, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const cause = error instanceof GatewayError && (error.code === 'DB_ERROR' || error.code === 'CONSTRAINT_VIOLATION') ? (error as { cause?: unknown }).cause : undefined;
    if (cause === undefined) throw error;
    const alias = info.path.key;
    throw databaseError(cause, table.database, alias === info.fieldName ? info.fieldName : `${alias}: ${info.fieldName}`);
  }
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
          nullable: true,
          description: `Rows of ${what}; null (with an error at this field) when its statement fails.`,
          args: listArgs(t, r),
          resolve: (_p: unknown, args: ListArgs, ctx: GatewayContext, info: GraphQLResolveInfo) => atField(table, info, () => resolveList(table, args, ctx, info)),
        });
        if (table.primaryKey.length > 0) {
          fields[table.ops.byPk] = t.field({
            type: r.object,
            nullable: true,
            description: `One row of ${what} by its primary key, or null.`,
            args: Object.fromEntries(
              table.primaryKey.map((c) => [c.field, t.arg({ type: c.enum ? refs.enums.get(c.enum)!.type : c.scalar, required: true })]),
            ),
            resolve: (_p: unknown, args: Row, ctx: GatewayContext, info: GraphQLResolveInfo) => atField(table, info, () => resolveByPk(table, args, ctx, info)),
          });
        }
        fields[table.ops.connection] = t.field({
          type: r.connection,
          nullable: true,
          description: `Rows of ${what}, a page at a time (keyset cursors); null when its statement fails.`,
          args: {
            first: t.arg.int({ required: false }),
            after: t.arg.string({ required: false }),
            last: t.arg.int({ required: false }),
            before: t.arg.string({ required: false }),
            where: t.arg({ type: r.filter, required: false }),
            orderBy: t.arg({ type: [r.orderBy], required: false }),
          },
          resolve: (_p: unknown, args: ConnectionArgs, ctx: GatewayContext, info: GraphQLResolveInfo) =>
            atField(table, info, () => resolveConnection(table, args, ctx, info)),
        });
        Object.assign(fields, aggregateQueryFields(t, r));
      }
      return fields;
    },
  });
}
