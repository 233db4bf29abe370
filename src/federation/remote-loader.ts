import DataLoader from 'dataloader';
import type { FieldNode, GraphQLResolveInfo } from 'graphql';
import { batchStatement, compileBatch, planContextFromInfo, planList, type BatchQuery, type CompiledQuery, type ListArgs, type PageLimits } from '../compile/index.js';
import type { RemoteBinding } from './bind-relationships.js';

/** What a remote field needs from the request context (structurally the gateway's context). */
export interface FederationContext {
  limits: PageLimits;
  cache: Map<unknown, unknown>;
  read(database: string, query: CompiledQuery): Promise<Record<string, any>[]>;
}

type Key = readonly string[];
type Loaders = WeakMap<FieldNode, DataLoader<Key, unknown, string>>;

// PERF: a compiled batch depends on the schema's binding, the field node and the variables only.
const compiledBatches = new WeakMap<RemoteBinding, WeakMap<FieldNode, Map<string, BatchQuery>>>();

function batchFor(binding: RemoteBinding, args: ListArgs, ctx: FederationContext, info: GraphQLResolveInfo): BatchQuery {
  let byNode = compiledBatches.get(binding);
  if (!byNode) compiledBatches.set(binding, (byNode = new WeakMap()));
  const node = info.fieldNodes[0];
  let byVariables = byNode.get(node);
  if (!byVariables) byNode.set(node, (byVariables = new Map()));
  const variables = JSON.stringify(info.variableValues);
  let batch = byVariables.get(variables);
  if (!batch) {
    const { target, field } = binding;
    const plan = planList(target, info.fieldNodes.map((n) => n.selectionSet), field.many ? args : {}, planContextFromInfo(info, ctx.limits), `${binding.source.typeName}.${field.field}`);
    if (!field.many) {
      plan.limit = undefined;
      plan.orderBy = [];
    }
    batch = compileBatch(plan, binding.targetColumns, field.many);
    if (byVariables.size >= 64) byVariables.clear();
    byVariables.set(variables, batch);
  }
  return batch;
}

/**
 * One DataLoader per request, relationship and field node: all parents at that place in the
 * response share it, so the relationship costs one statement per level of nesting.
 */
function loaderFor(binding: RemoteBinding, args: ListArgs, ctx: FederationContext, info: GraphQLResolveInfo): DataLoader<Key, unknown, string> {
  let loaders = ctx.cache.get(binding) as Loaders | undefined;
  if (!loaders) ctx.cache.set(binding, (loaders = new WeakMap()));
  const node = info.fieldNodes[0];
  let loader = loaders.get(node);
  if (loader) return loader;
  const batch = batchFor(binding, args, ctx, info);
  const empty = binding.field.many ? [] : null;
  loader = new DataLoader<Key, unknown, string>(
    async (keys) => {
      const [{ data }] = await ctx.read(binding.target.database, batchStatement(batch, keys));
      return (data as unknown[]).map((value) => value ?? empty);
    },
    { cacheKeyFn: (key) => key.join('\u0000') },
  );
  loaders.set(node, loader);
  return loader;
}

/**
 * Resolver of a cross-database field: the parent row carries the key values (as text) under
 * `__key_<alias>`; all parents at the same place are batched into ONE statement on the target.
 */
export function resolveRemote(binding: RemoteBinding) {
  const empty = binding.field.many ? [] : null;
  return (parent: Record<string, unknown>, args: ListArgs, ctx: FederationContext, info: GraphQLResolveInfo): Promise<unknown> | unknown => {
    const key = parent[`__key_${info.path.key}`] as (string | null)[] | undefined;
    if (!key || key.includes(null)) return empty;
    return loaderFor(binding, args, ctx, info).load(key as string[]);
  };
}
