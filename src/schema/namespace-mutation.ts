import { getArgumentValues, Kind, type FieldNode, type GraphQLObjectType, type GraphQLResolveInfo } from 'graphql';
import {
  collectFields,
  compileDelete,
  compileInsert,
  compileUpdate,
  conditionFromWhere,
  matchesEveryRow,
  planFields,
  type CompiledQuery,
  type Condition,
  type OnConflict,
  type SelectPlan,
} from '../compile/index.js';
import { GatewayError } from '../errors/index.js';
import type { TableModel } from '../naming/index.js';
import type { AnyRef, Row } from './builder.js';
import type { GatewayContext } from './context.js';
import { databaseError } from './db-errors.js';
import { planContext } from './namespace-query.js';
import { byAlias, type DatabaseRefs } from './table-types.js';

type Operation = 'insert' | 'update' | 'delete' | 'updateByPk' | 'deleteByPk';

interface MutationField {
  table: TableModel;
  operation: Operation;
}

function pkCondition(table: TableModel, args: Row): Condition {
  return { op: 'and', items: table.primaryKey.map((column) => ({ op: 'cmp' as const, column, cmp: 'eq' as const, value: args[column.field] })) };
}

/**
 * SECURITY: the `where` of updateT / deleteT as a condition, refused when it would touch every
 * row (none, or only empty `and`s) unless the document itself says `where: {}`: a variable
 * that arrives empty or a filter whose parts were all dropped never means "all rows".
 */
function mutationWhere(op: MutationField, args: Row, node: FieldNode): Condition | undefined {
  const condition = conditionFromWhere(op.table, args.where);
  if (!matchesEveryRow(condition)) return condition;
  const literal = node.arguments?.find((a) => a.name.value === 'where')?.value;
  if (literal?.kind === Kind.OBJECT && literal.fields.length === 0) return undefined;
  const name = op.table.ops[op.operation as 'update' | 'delete'];
  throw new GatewayError('BAD_USER_INPUT', `${name}: where matches every row`, {
    database: op.table.database,
    hint: `to ${op.operation} all rows, write where: {} in the document itself; otherwise give where a condition`,
  });
}

function compileOne(op: MutationField, args: Row, returning: SelectPlan, node: FieldNode): CompiledQuery {
  const { table } = op;
  switch (op.operation) {
    case 'insert': {
      const c = args.onConflict as { constraint: string; update?: string[]; doNothing?: boolean } | undefined;
      const onConflict: OnConflict | undefined = c ? { constraint: c.constraint, update: c.update ?? [], doNothing: !!c.doNothing } : undefined;
      return compileInsert(returning, args.objects, onConflict);
    }
    case 'update':
      return compileUpdate(returning, mutationWhere(op, args, node), args.set);
    case 'delete':
      return compileDelete(returning, mutationWhere(op, args, node));
    case 'updateByPk':
      return compileUpdate(returning, pkCondition(table, args), args.set);
    case 'deleteByPk':
      return compileDelete(returning, pkCondition(table, args));
  }
}

/**
 * Resolves `Mutation.<database>`: every mutation field under it runs in document order in
 * ONE transaction; the first failure rolls all of them back and names the field.
 */
async function runMutations(database: string, fields: Map<string, MutationField>, ctx: GatewayContext, info: GraphQLResolveInfo): Promise<Row> {
  const type = info.schema.getType(info.returnType.toString().replace(/!$/, '')) as GraphQLObjectType;
  const plan = planContext(info, ctx);
  const steps: { alias: string; name: string; op: MutationField; node: FieldNode }[] = [];
  for (const [alias, nodes] of collectFields(info.fieldNodes.map((n) => n.selectionSet), plan)) {
    const op = fields.get(nodes[0].name.value);
    if (op) steps.push({ alias, name: nodes[0].name.value, op, node: nodes[0] });
  }
  return ctx.write(database, async (run) => {
    const result: Row = {};
    for (const step of steps) {
      try {
        const args = getArgumentValues(type.getFields()[step.name], step.node, plan.variables) as Row;
        const returning: SelectPlan = { table: step.op.table, fields: planFields(step.op.table, [step.node.selectionSet], plan), orderBy: [] };
        const rows = await run(compileOne(step.op, args, returning, step.node));
        const data = rows[0].data as Row[];
        result[step.alias] = step.op.operation.endsWith('ByPk') ? (data[0] ?? null) : data;
      } catch (error) {
        throw databaseError(error, database, step.alias === step.name ? step.name : `${step.alias}: ${step.name}`);
      }
    }
    return result;
  });
}

/** The `<Database>_Mutation` namespace: insert / update / delete (+ByPk) per writable base table. */
export function implementMutationNamespace(refs: DatabaseRefs, ref: AnyRef): Map<string, MutationField> | undefined {
  const fields = new Map<string, MutationField>();
  const defs: [string, MutationField, (t: any) => unknown][] = [];
  for (const [table, r] of refs.tables) {
    const pkArgs = (t: any) =>
      Object.fromEntries(table.primaryKey.map((c) => [c.field, t.arg({ type: c.enum ? refs.enums.get(c.enum)!.type : c.scalar, required: true })]));
    const hasPk = table.primaryKey.length > 0;
    if (table.canInsert && r.insert) {
      defs.push([table.ops.insert, { table, operation: 'insert' }, (t) => t.field({
        type: [r.object],
        description: `Inserts rows into ${table.table.name} and returns them.`,
        args: { objects: t.arg({ type: [r.insert], required: true }), ...(r.onConflict ? { onConflict: t.arg({ type: r.onConflict, required: false }) } : {}) },
        resolve: byAlias,
      })]);
    }
    if (table.canUpdate && r.set) {
      defs.push([table.ops.update, { table, operation: 'update' }, (t) => t.field({
        type: [r.object],
        description: `Updates the rows of ${table.table.name} matching where (use {} for all) and returns them.`,
        args: { where: t.arg({ type: r.filter, required: true }), set: t.arg({ type: r.set, required: true }) },
        resolve: byAlias,
      })]);
      if (hasPk) {
        defs.push([table.ops.updateByPk, { table, operation: 'updateByPk' }, (t) => t.field({
          type: r.object, nullable: true,
          description: `Updates one row of ${table.table.name} by primary key; null when there is none.`,
          args: { ...pkArgs(t), set: t.arg({ type: r.set, required: true }) },
          resolve: byAlias,
        })]);
      }
    }
    if (table.canDelete) {
      defs.push([table.ops.delete, { table, operation: 'delete' }, (t) => t.field({
        type: [r.object],
        description: `Deletes the rows of ${table.table.name} matching where (use {} for all) and returns them.`,
        args: { where: t.arg({ type: r.filter, required: true }) },
        resolve: byAlias,
      })]);
      if (hasPk) {
        defs.push([table.ops.deleteByPk, { table, operation: 'deleteByPk' }, (t) => t.field({
          type: r.object, nullable: true,
          description: `Deletes one row of ${table.table.name} by primary key; null when there is none.`,
          args: pkArgs(t),
          resolve: byAlias,
        })]);
      }
    }
  }
  if (defs.length === 0) return undefined;
  for (const [name, op] of defs) fields.set(name, op);
  ref.implement({
    description: `Writes to the database "${refs.model.database}". All fields of one request run in one transaction, in order.`,
    fields: (t: any) => Object.fromEntries(defs.map(([name, , make]) => [name, make(t)])),
  });
  return fields;
}

export { runMutations };
export type { MutationField };
