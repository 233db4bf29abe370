import type { GraphQLResolveInfo } from 'graphql';
import { LRUCache } from 'lru-cache';

/** Compiled plans kept, by count and by an estimate of their bytes. */
const MAX_ENTRIES = 5_000;
const MAX_BYTES = 32 * 1024 * 1024;
/** Rough heap of one compiled statement and its plan (the key is counted on top). */
const ENTRY_BYTES = 4096;
/** Variables longer than this (as JSON) are compiled every time: a cache of them would hold little but memory. */
const MAX_VARIABLES_KEY = 16 * 1024;

const ids = new WeakMap<object, number>();
let lastId = 0;
/** A number for `o` that no other live object has, for cache keys (held weakly, so `o` can go). */
export const objectId = (o: object): number => {
  let id = ids.get(o);
  if (id === undefined) ids.set(o, (id = ++lastId));
  return id;
};

// PERF: one request's variables object is shared by all its fields: stringify it once.
const variableKeys = new WeakMap<object, string>();
const variablesKey = (values: Record<string, unknown>): string => {
  let key = variableKeys.get(values);
  if (key === undefined) variableKeys.set(values, (key = JSON.stringify(values)));
  return key;
};

const plans = new LRUCache<string, { value: unknown }>({ max: MAX_ENTRIES, maxSize: MAX_BYTES, sizeCalculation: (_, key) => key.length + ENTRY_BYTES });

/**
 * PERF: what a field compiles to depends only on its owner (the schema, or a relationship
 * binding of one schema), its field node and the variables. yoga caches parsed documents, so
 * the same query text gives the same field node: repeated operations skip planning and SQL
 * building. One LRU for the process, bounded by count and bytes, whatever documents and
 * variables clients send.
 */
export function memoPlan<T>(owner: object, info: GraphQLResolveInfo, build: () => T): T {
  const variables = variablesKey(info.variableValues);
  if (variables.length > MAX_VARIABLES_KEY) return build();
  const key = `${objectId(owner)}:${objectId(info.fieldNodes[0])}:${info.fieldNodes.length}:${variables}`;
  const hit = plans.get(key);
  if (hit) return hit.value as T;
  const value = build();
  plans.set(key, { value });
  return value;
}

/** Entries and estimated bytes of the compiled-plan cache (for metrics and the fuzz report). */
export function planMemoStats(): { entries: number; bytes: number } {
  return { entries: plans.size, bytes: plans.calculatedSize };
}
