import { getArgumentValues, isObjectType, type GraphQLSchema } from 'graphql';
import {
  batchStatement,
  compileBatch,
  compileBatchText,
  planList,
  splitBatchText,
  textSupport,
  UNKNOWN_ENUM_LABEL,
  unmarkJsonb,
  type BatchQuery,
  type CompiledQuery,
  type ListArgs,
  type PlanContext,
  type RemoteFieldPlan,
  type TextSupport,
} from '../compile/index.js';
import { MAX_KEYS_PER_STATEMENT, type RemoteBinding } from '../federation/index.js';
import { REMOTE_BINDING } from '../schema/index.js';
import type { FailedStatement, ServerContext } from './request-context.js';

/** A cross-database field of a statement: the batch that answers its markers. */
export interface RemoteStatement {
  database: string;
  batch: BatchQuery;
  /** The SQL the federation loader sends for this field (its failure is replayed there). */
  loaderSql: string;
}

/** One statement of a prepared request and what to do with its text. */
export interface Statement {
  database: string;
  query: CompiledQuery;
  /** The strictest mode of the statement and its batches. */
  mode: TextSupport['mode'];
  /** By marker index (see compileListText). */
  remotes: RemoteStatement[];
  /** The statement the field's resolver sends (its failure is replayed there). */
  resolverQuery: CompiledQuery;
}

/** Runs `query`; a failure becomes a FailedStatement for the resolver's own statement. */
async function readOrRecord(ctx: ServerContext, database: string, query: CompiledQuery, failed: Omit<FailedStatement, 'error' | 'database'>): Promise<(string | null)[]> {
  try {
    return await ctx.readTexts(database, query);
  } catch (error) {
    // NOTE: a label the schema does not know fails only this statement; the resolver's own one succeeds and the executor reports it.
    if (String((error as Error)?.message).includes(UNKNOWN_ENUM_LABEL)) throw error;
    throw Object.assign(new Error('fast path statement failed'), { failed: { ...failed, database, error } satisfies FailedStatement });
  }
}

const STRICTER = { verbatim: 0, marked: 1, reserialize: 2 } as const;
export const stricter = (a: TextSupport['mode'], b: TextSupport['mode']) => (STRICTER[a] >= STRICTER[b] ? a : b);

/** JSON text, or its UTF-8 bytes. */
export type JsonText = string | Buffer;

/** A statement's text as the executor would have serialised it (see TextSupport). */
function finish(text: string, mode: TextSupport['mode']): JsonText {
  if (mode === 'verbatim') return text;
  return mode === 'marked' ? unmarkJsonb(text) : JSON.stringify(JSON.parse(text));
}

/**
 * The target side of a cross-database field, planned as the federation loader plans it
 * (same arguments, page limits, empty order and no limit for a single row), or undefined when
 * the fast path cannot answer it (no binding, nested cross-database fields, unsupported types).
 */
export function planRemote(schema: GraphQLSchema, remote: RemoteFieldPlan, variables: Record<string, unknown>, ctx: PlanContext) {
  const type = remote.sourceType ? schema.getType(remote.sourceType) : undefined;
  const def = type && isObjectType(type) && remote.field ? type.getFields()[remote.field] : undefined;
  const binding = def?.extensions[REMOTE_BINDING] as RemoteBinding | undefined;
  if (!def || !binding || !remote.nodes) return undefined;
  const many = binding.field.many;
  const args = many ? (getArgumentValues(def, remote.nodes[0], variables) as ListArgs) : {};
  const plan = planList(binding.target, remote.nodes.map((n) => n.selectionSet), args, ctx, `${binding.source.typeName}.${binding.field.field}`);
  if (!many) {
    plan.limit = undefined;
    plan.orderBy = [];
  }
  const support = textSupport(plan, { delimited: true });
  if (!support) return undefined;
  const statement: RemoteStatement = {
    database: binding.target.database,
    batch: compileBatchText(plan, binding.targetColumns, many),
    loaderSql: compileBatch(plan, binding.targetColumns, many).sql,
  };
  return { mode: support.mode, statement };
}

/**
 * Runs one root field's statement and, when its text holds cross-database markers, one batch per
 * field and {@link MAX_KEYS_PER_STATEMENT} distinct keys (as the federation loaders do), then
 * splices the answers in. Pushes each statement's database onto `sent`. A failing statement
 * throws an error carrying `failed` (a {@link FailedStatement}).
 */
export async function statementText(statement: Statement, ctx: ServerContext, sent: string[]): Promise<JsonText | null> {
  sent.push(statement.database);
  const { sql, parameters } = statement.resolverQuery;
  const text = (await readOrRecord(ctx, statement.database, statement.query, { sql, parameters }))[0] ?? null;
  if (text === null || !statement.remotes.length) return text === null ? null : finish(text, statement.mode);
  const parts = text.split('\r');
  const byField = statement.remotes.map(() => new Map<string, { key: string[]; text?: string }>());
  const slots: { field: number; id: string }[] = [];
  for (let i = 1; i < parts.length; i += 2) {
    const [field, ...key] = JSON.parse(parts[i]) as [number, ...string[]];
    const id = key.join('\u0000');
    if (!byField[field].has(id)) byField[field].set(id, { key });
    slots.push({ field, id });
  }
  await Promise.all(
    statement.remotes.map(async (remote, f) => {
      const entries = [...byField[f].values()];
      for (let start = 0; start < entries.length; start += MAX_KEYS_PER_STATEMENT) {
        const chunk = entries.slice(start, start + MAX_KEYS_PER_STATEMENT);
        sent.push(remote.database);
        const [data] = await readOrRecord(ctx, remote.database, batchStatement(remote.batch, chunk.map((e) => e.key)), { sql: remote.loaderSql });
        const texts = splitBatchText(data, chunk.length);
        chunk.forEach((entry, k) => (entry.text = texts[k]));
      }
    }),
  );
  slots.forEach(({ field, id }, s) => (parts[2 * s + 1] = byField[field].get(id)!.text!));
  return finish(parts.join(''), statement.mode);
}
