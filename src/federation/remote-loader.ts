import DataLoader from 'dataloader';
import type { FieldNode, GraphQLResolveInfo } from 'graphql';
import { batchStatement, compileBatch, memoPlan, planContextFromInfo, planList, remoteKeyAlias, type BatchQuery, type CompiledQuery, type ListArgs, type PageLimits } from '../compile/index.js';
import type { RemoteBinding } from './bind-relationships.js';

/** What a remote field needs from the request context (structurally the gateway's context). */
export interface FederationContext {
  limits: PageLimits;
  cache: Map<unknown, unknown>;
  read(database: string, query: CompiledQuery): Promise<Record<string, any>[]>;
}

type Key = readonly string[];

/** Most keys one batched statement carries; more parents make more statements of this size. */
export const MAX_KEYS_PER_STATEMENT = 1_000;
type Loaders = WeakMap<FieldNode, DataLoader<Key, unknown, string>>;

function batchFor(binding: RemoteBinding, args: ListArgs, ctx: FederationContext, info: GraphQLResolveInfo): BatchQuery {
  return memoPlan(binding, info, () => {
    const { target, field } = binding;
    const plan = planList(target, info.fieldNodes.map((n) => n.selectionSet), field.many ? args : {}, planContextFromInfo(info, ctx.limits), `${binding.source.typeName}.${field.field}`);
    if (!field.many) {
      plan.limit = undefined;
      plan.orderBy = [];
    }
    return compileBatch(plan, binding.targetColumns, field.many);
  });
}

/**
 * One DataLoader per request, relationship and field node: all parents at that place in the
 * response share it, so the relationship costs one statement per level of nesting and per
 * {@link MAX_KEYS_PER_STATEMENT} distinct keys.
 */
function loaderFor(binding: RemoteBinding, empty: unknown, args: ListArgs, ctx: FederationContext, info: GraphQLResolveInfo): DataLoader<Key, unknown, string> {
  let loaders = ctx.cache.get(binding) as Loaders | undefined;
  if (!loaders) ctx.cache.set(binding, (loaders = new WeakMap()));
  const node = info.fieldNodes[0];
  let loader = loaders.get(node);
  if (loader) return loader;
  const batch = batchFor(binding, args, ctx, info);
  loader = new DataLoader<Key, unknown, string>(
    async (keys) => {
      const [{ data }] = await ctx.read(binding.target.database, batchStatement(batch, keys));
      return (data as unknown[]).map((value) => value ?? empty);
    },
    // PERF: chunks bound each statement's parameter array and result, whatever the number of parents.
    { cacheKeyFn: (key) => key.join('\u0000'), maxBatchSize: MAX_KEYS_PER_STATEMENT },
  );
  loaders.set(node, loader);
  return loader;
}

/**
 * Resolver of a cross-database field: the parent row carries the key values (as text) under
 * remoteKeyAlias(alias); all parents at the same place are batched into ONE statement on the target.
 */
export function resolveRemote(binding: RemoteBinding) {
  const empty = binding.field.many ? [] : null;
  return (parent: Record<string, unknown>, args: ListArgs, ctx: FederationContext, info: GraphQLResolveInfo): Promise<unknown> | unknown => {
    const key = parent[remoteKeyAlias(info.path.key as string)] as (string | null)[] | undefined;
    if (!key || key.includes(null)) return empty;
    return loaderFor(binding, empty, args, ctx, info).load(key as string[]);
  };
}
