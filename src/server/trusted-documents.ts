import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { LRUCache } from 'lru-cache';
import { ConfigError, type GatewayConfig } from '../config/index.js';
import type { ErrorCode } from '../errors/index.js';

type TrustedConfig = GatewayConfig['trustedDocuments'];

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const HASH = /^[0-9a-f]{64}$/;
/** A hash as hex: codegen writes `sha256:<hex>`, APQ clients send the hex alone. */
const bareHash = (hash: string) => hash.replace(/^sha256:/i, '').toLowerCase();

/** What a request asked for under `extensions.persistedQuery`, or undefined. */
function persistedHash(extensions: unknown): string | undefined {
  const pq = (extensions as { persistedQuery?: { version?: unknown; sha256Hash?: unknown } } | undefined)?.persistedQuery;
  return pq && pq.version === 1 && typeof pq.sha256Hash === 'string' ? bareHash(pq.sha256Hash) : undefined;
}

function requestError(message: string, code: ErrorCode, hint: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code, hint, http: { status: 400 } } });
}

/** Documents known by hash: the trusted file (fixed) and, under `apq`, what clients stored (bounded). */
export interface TrustedDocuments {
  readonly mode: TrustedConfig['mode'];
  /** The text of a hash, or undefined. */
  get(hash: string): string | undefined;
  /**
   * The document text a request stands for: its `query`, or the text of its persisted hash.
   * Stores hash → text under `apq`. Throws PERSISTED_QUERY_NOT_FOUND / BAD_USER_INPUT.
   */
  resolve(params: { query?: unknown; extensions?: unknown }): string | undefined;
  /** Throws TRUSTED_DOCUMENT_REQUIRED under `only` when `text` is not a trusted document. */
  check(text: string): void;
}

/**
 * Loads the trusted documents of the config (JSON object `sha256:<hex>` or `<hex>` → text, as
 * codegen's client preset writes with `persistedDocuments: { hashAlgorithm: 'sha256' }`:
 * schema/generated/persisted-documents.json).
 * @throws ConfigError when the file is missing, not such an object, or a hash does not match its text.
 */
export function createTrustedDocuments(config: TrustedConfig): TrustedDocuments {
  const trusted = new Map<string, string>();
  if (config.file) {
    const file = path.resolve(config.file);
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new ConfigError(`trustedDocuments.file ${file} cannot be read as JSON: ${(error as Error).message}`);
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new ConfigError(`trustedDocuments.file ${file} is not a JSON object of sha256 → document`);
    for (const [key, text] of Object.entries(parsed)) {
      const hash = bareHash(key);
      // SECURITY: a hash that is not its text's sha256 would let one document run under another's name.
      if (typeof text !== 'string' || sha256(text) !== hash) {
        throw new ConfigError(`trustedDocuments.file ${file}: "${key.slice(0, 80)}" is not the sha256 of its document (set hashAlgorithm: 'sha256' in codegen)`);
      }
      trusted.set(hash, text);
    }
  }
  if (config.mode === 'only' && trusted.size === 0) throw new ConfigError('trustedDocuments.mode "only" needs a trustedDocuments.file with at least one document');
  const texts = new Set(trusted.values());
  const stored = new LRUCache<string, string>({ max: Math.max(1, config.maxStored) });
  const get = (hash: string) => trusted.get(hash) ?? (config.mode === 'apq' ? stored.get(hash) : undefined);
  return {
    mode: config.mode,
    get,
    resolve(params) {
      const query = typeof params.query === 'string' ? params.query : undefined;
      if (config.mode === 'off') return query;
      const hash = persistedHash(params.extensions);
      if (!hash) return query;
      if (query !== undefined) {
        if (sha256(query) !== hash) throw requestError('provided sha does not match query', 'BAD_USER_INPUT', 'send the sha256 (hex) of the exact query text');
        if (config.mode === 'apq' && config.maxStored > 0 && HASH.test(hash)) stored.set(hash, query);
        return query;
      }
      const text = get(hash);
      if (text === undefined) {
        throw requestError('PersistedQueryNotFound', 'PERSISTED_QUERY_NOT_FOUND', config.mode === 'apq' ? 'send the query text with the same hash once' : 'only documents of trustedDocuments.file are served');
      }
      return text;
    },
    check(text) {
      if (config.mode !== 'only' || texts.has(text)) return;
      throw requestError('this gateway serves only trusted documents (trustedDocuments.mode: only)', 'TRUSTED_DOCUMENT_REQUIRED', 'send a document of the trusted list, by extensions.persistedQuery.sha256Hash or as its exact text');
    },
  };
}

/**
 * Persisted and trusted documents in yoga: `onParams` swaps a persisted hash for its text (HTTP);
 * `onParse` refuses, under `only`, any text that is not a trusted document — for HTTP and, through
 * `yoga.getEnveloped`, for WebSocket operations and the fast path alike.
 */
export function useTrustedDocuments(documents: TrustedDocuments): Plugin {
  return {
    onParams({ params, setParams }) {
      if (documents.mode === 'off') return;
      const query = documents.resolve(params);
      if (query !== params.query) setParams({ ...params, query });
    },
    onParse({ params }) {
      documents.check(String(params.source));
    },
  };
}
