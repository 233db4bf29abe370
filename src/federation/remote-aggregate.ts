import DataLoader from 'dataloader';
import type { FieldNode, GraphQLResolveInfo } from 'graphql';
import {
  batchStatement,
  compileAggregateBatch,
  emptyAggregate,
  memoPlan,
  planAggregate,
  planContextFromInfo,
  remoteKeyAlias,
  type AggregateArgs,
  type AggregatePlan,
  type BatchQuery,
} from '../compile/index.js';
import { relationAggregates, type RemoteFieldModel } from '../naming/index.js';
import type { RemoteBinding } from './bind-relationships.js';
import { MAX_KEYS_PER_STATEMENT, type FederationContext } from './remote-loader.js';

/** The aggregate twin of an ARRAY relationship (`directivesAggregate`), resolved like the relationship itself. */
export interface RemoteAggregateBinding {
  binding: RemoteBinding;
  /** The twin's field on the source table; it carries the same key columns. */
  field: RemoteFieldModel;
}

/**
 * Adds `<relationship>Aggregate` to the source table of every ARRAY relationship (mutating the
 * freshly built models of one schema build, as bindRelationships does). A name already taken by
 * a column, relation or aggregate twin is left to its holder.
 */
export function bindRemoteAggregates(bindings: readonly RemoteBinding[]): RemoteAggregateBinding[] {
  const twins: RemoteAggregateBinding[] = [];
  for (const binding of bindings) {
    if (!binding.field.many) continue;
    const { source } = binding;
    const name = `${binding.field.field}Aggregate`;
    if (source.fields.has(name) || relationAggregates(source).has(name)) continue;
    const field: RemoteFieldModel = { kind: 'remote', field: name, relationship: binding.relationship.name, many: false, columns: binding.field.columns };
    source.fields.set(name, field);
    twins.push({ binding, field });
  }
  return twins;
}

type Key = readonly string[];
type Loaders = WeakMap<FieldNode, { plan: AggregatePlan; loader: DataLoader<Key, unknown, string> }>;

function planFor(twin: RemoteAggregateBinding, args: AggregateArgs, ctx: FederationContext, info: GraphQLResolveInfo): { plan: AggregatePlan; batch: BatchQuery } {
  return memoPlan(twin, info, () => {
    const plan = planAggregate(twin.binding.target, info.fieldNodes, args, planContextFromInfo(info, ctx.limits));
    return { plan, batch: compileAggregateBatch(plan, twin.binding.targetColumns) };
  });
}

/**
 * Resolver of a cross-database aggregate twin: all parents at the same place in the response share
 * one DataLoader, so the twin costs ONE statement on the target per level (per 1,000 distinct keys),
 * whatever the number of parents. A parent whose key is NULL gets the aggregates of no rows without a statement.
 */
export function resolveRemoteAggregate(twin: RemoteAggregateBinding) {
  return (parent: Record<string, unknown>, args: AggregateArgs, ctx: FederationContext, info: GraphQLResolveInfo): Promise<unknown> | unknown => {
    let loaders = ctx.cache.get(twin) as Loaders | undefined;
    if (!loaders) ctx.cache.set(twin, (loaders = new WeakMap()));
    const node = info.fieldNodes[0];
    let entry = loaders.get(node);
    if (!entry) {
      const { plan, batch } = planFor(twin, args, ctx, info);
      const loader = new DataLoader<Key, unknown, string>(
        async (keys) => {
          const [{ data }] = await ctx.read(twin.binding.target.database, batchStatement(batch, keys));
          return data as unknown[];
        },
        // PERF: chunked like the relationship's own batches, so a statement's keys and result stay bounded.
        { cacheKeyFn: (key) => key.join('\u0000'), maxBatchSize: MAX_KEYS_PER_STATEMENT },
      );
      loaders.set(node, (entry = { plan, loader }));
    }
    const key = parent[remoteKeyAlias(info.path.key as string)] as (string | null)[] | undefined;
    if (!key || key.includes(null)) return emptyAggregate(entry.plan.fields);
    return entry.loader.load(key as string[]);
  };
}
