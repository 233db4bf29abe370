import type { DocumentNode } from 'graphql';
import { LRUCache } from 'lru-cache';

/** How many parsed documents (and parse errors) are kept, and how much query text they may hold. */
export interface DocumentCacheLimits {
  maxDocuments: number;
  maxBytes: number;
}

export const DEFAULT_DOCUMENT_CACHE: DocumentCacheLimits = { maxDocuments: 1000, maxBytes: 4 * 1024 * 1024 };

/**
 * yoga's parse and validation caches, bounded by count and by query text. Everything else
 * kept per document (validation results, graphql-jit executors, compiled SQL) is held weakly
 * by the parsed document, so it is dropped with it: memory levels off under a stream of
 * unique documents.
 */
export function createDocumentCaches(limits: DocumentCacheLimits = DEFAULT_DOCUMENT_CACHE) {
  // PERF: a parsed document takes some 20–40 times its text in heap; the text is what a
  // client controls, so that is what is counted.
  const options = { max: limits.maxDocuments, maxSize: limits.maxBytes, sizeCalculation: (_: unknown, key: string) => Math.max(1, key.length) };
  return {
    documentCache: new LRUCache<string, DocumentNode>(options),
    errorCache: new LRUCache<string, object>(options),
    validationCache: true,
  };
}
