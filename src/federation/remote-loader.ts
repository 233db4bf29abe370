import DataLoader from 'dataloader';
import type { GraphQLResolveInfo } from 'graphql';
import { compileBatch, planContextFromInfo, planList, type CompiledQuery, type ListArgs, type PageLimits } from '../compile/index.js';
import type { RemoteBinding } from './bind-relationships.js';

/** What a remote field needs from the request context (structurally the gateway's context). */
export interface FederationContext {
  limits: PageLimits;
  cache: Map<string, unknown>;
  read(database: string, query: CompiledQuery): Promise<Record<string, any>[]>;
}

type Key = readonly string[];

/** The field's place in the response without list indices: all parents at one place share a loader. */
function pathKey(info: GraphQLResolveInfo): string {
  const parts: string[] = [];
  for (let p: GraphQLResolveInfo['path'] | undefined = info.path; p; p = p.prev) if (typeof p.key === 'string') parts.push(p.key);
  return parts.reverse().join('.');
}

function loaderFor(binding: RemoteBinding, args: ListArgs, ctx: FederationContext, info: GraphQLResolveInfo): DataLoader<Key, unknown, string> {
  const cacheKey = `federation:${pathKey(info)}`;
  let loader = ctx.cache.get(cacheKey) as DataLoader<Key, unknown, string> | undefined;
  if (loader) return loader;
  const { target, field, targetColumns } = binding;
  // PERF: planned once per place in the response; the batch compiles the target's nested same-database selection into it.
  const plan = planList(target, info.fieldNodes.map((n) => n.selectionSet), field.many ? args : {}, planContextFromInfo(info, ctx.limits), `${binding.source.typeName}.${field.field}`);
  if (!field.many) {
    plan.limit = undefined;
    plan.orderBy = [];
  }
  loader = new DataLoader<Key, unknown, string>(
    async (keys) => {
      const rows = await ctx.read(target.database, compileBatch(plan, targetColumns, keys, field.many));
      const out = new Array<unknown>(keys.length).fill(field.many ? [] : null);
      for (const row of rows) out[row.i - 1] = row.data ?? (field.many ? [] : null);
      return out;
    },
    { cacheKeyFn: (key) => key.join('\u0000') },
  );
  ctx.cache.set(cacheKey, loader);
  return loader;
}

/**
 * Resolver of a cross-database field: the parent row carries the key values (as text) under
 * `__key_<alias>`; all parents at the same place are batched into ONE statement on the target.
 */
export function resolveRemote(binding: RemoteBinding) {
  return (parent: Record<string, unknown>, args: ListArgs, ctx: FederationContext, info: GraphQLResolveInfo): Promise<unknown> | unknown => {
    const key = parent[`__key_${info.path.key}`] as (string | null)[] | undefined;
    if (!key || key.some((v) => v === null)) return binding.field.many ? [] : null;
    return loaderFor(binding, args, ctx, info).load(key as string[]);
  };
}
