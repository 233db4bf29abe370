import type { FieldNode, GraphQLResolveInfo, GraphQLSchema } from 'graphql';

/** Distinct variable sets remembered per field node before the oldest is dropped. */
const MAX_VARIANTS = 64;

const bySchema = new WeakMap<GraphQLSchema, WeakMap<FieldNode, Map<string, unknown>>>();

/**
 * PERF: a root field's compiled statement depends only on the schema, its field node and the
 * variables. yoga caches parsed documents, so the same query text gives the same field node:
 * repeated operations skip planning and SQL building. Entries die with the schema or document.
 */
export function cachedPlan<T>(info: GraphQLResolveInfo, build: () => T): T {
  let byNode = bySchema.get(info.schema);
  if (!byNode) bySchema.set(info.schema, (byNode = new WeakMap()));
  const node = info.fieldNodes[0];
  let variants = byNode.get(node);
  if (!variants) byNode.set(node, (variants = new Map()));
  const key = info.fieldNodes.length === 1 ? JSON.stringify(info.variableValues) : `${info.fieldNodes.length}:${JSON.stringify(info.variableValues)}`;
  const hit = variants.get(key) as T | undefined;
  if (hit !== undefined) return hit;
  const value = build();
  if (variants.size >= MAX_VARIANTS) variants.delete(variants.keys().next().value!);
  variants.set(key, value);
  return value;
}
