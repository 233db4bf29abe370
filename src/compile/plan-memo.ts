import type { FieldNode, GraphQLResolveInfo } from 'graphql';

/** Distinct variable sets remembered per field node before the oldest is dropped. */
const MAX_VARIANTS = 64;

const byOwner = new WeakMap<object, WeakMap<FieldNode, Map<string, unknown>>>();

/**
 * PERF: what a field compiles to depends only on its owner (the schema, or a relationship
 * binding of one schema), its field node and the variables. yoga caches parsed documents, so
 * the same query text gives the same field node: repeated operations skip planning and SQL
 * building. Entries die with their owner or document.
 */
export function memoPlan<T>(owner: object, info: GraphQLResolveInfo, build: () => T): T {
  let byNode = byOwner.get(owner);
  if (!byNode) byOwner.set(owner, (byNode = new WeakMap()));
  const node = info.fieldNodes[0];
  let variants = byNode.get(node);
  if (!variants) byNode.set(node, (variants = new Map()));
  const key = `${info.fieldNodes.length}:${JSON.stringify(info.variableValues)}`;
  const hit = variants.get(key) as T | undefined;
  if (hit !== undefined) return hit;
  const value = build();
  if (variants.size >= MAX_VARIANTS) variants.delete(variants.keys().next().value!);
  variants.set(key, value);
  return value;
}
