import { createClient, type Client } from 'graphql-ws';
import type { Logger } from 'pino';
import WebSocket from 'ws';
import { parseConfig } from '../../src/config/index.js';
import type { Identity } from '../../src/schema/index.js';
import { createGateway, type Gateway } from '../../src/server/index.js';

export interface TestGatewayOptions {
  /** Identity of requests without credentials (default: an anonymous admin; null turns anonymous access off). */
  anonymous?: Identity | null;
  /** Environment for `${VAR}` expansion (default: none). */
  env?: Record<string, string | undefined>;
  /** Key that seals credentials in the control database (registration, API keys). */
  secretKey?: Uint8Array;
  logger?: Logger;
  /** The fast path's mode (default on; SWITCHYARD_FAST_PATH overrides it for a whole run). */
  fastPath?: 'on' | 'off' | 'verify';
}

export interface GraphQLResponse<T = any> {
  status: number;
  body: { data?: T; errors?: { message: string; extensions?: Record<string, any>; path?: (string | number)[] }[] };
}

export interface TestGateway {
  gateway: Gateway;
  /** http://127.0.0.1:<port> */
  url: string;
  /** POSTs one operation to /graphql over real HTTP. */
  graphql<T = any>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResponse<T>>;
  /** GETs a path (e.g. /health) and parses the JSON body. */
  get<T = any>(path: string): Promise<{ status: number; body: T }>;
  /** Stops the gateway (idempotent). */
  stop(): Promise<void>;
}

/**
 * Validates `doc` like a config file (port 0, quick probes and a silent log unless given),
 * builds a gateway and starts it. The caller owns the lifetime: call `stop()` in afterAll.
 */
export async function startTestGateway(doc: Record<string, unknown>, options: TestGatewayOptions = {}): Promise<TestGateway> {
  const config = parseConfig({ probeIntervalMs: 200, logLevel: 'silent', ...doc, port: 4000 }, options.env ?? {});
  // NOTE: the schema asks for a real port (min 1); 0 lets the OS pick a free one.
  config.port = typeof doc.port === 'number' ? doc.port : 0;
  const anonymous = options.anonymous === undefined ? { name: 'anonymous', role: 'admin' as const } : options.anonymous;
  const gateway = createGateway(config, { anonymous, secretKey: options.secretKey, logger: options.logger, fastPath: options.fastPath });
  await gateway.start();
  const url = gateway.url;
  let stopped: Promise<void> | undefined;
  return {
    gateway,
    url,
    async graphql(query, variables, headers = {}) {
      const res = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return { status: res.status, body: await res.json() };
    },
    async get(path) {
      const res = await fetch(`${url}${path}`);
      return { status: res.status, body: await res.json() };
    },
    stop: () => (stopped ??= gateway.stop()),
  };
}

/**
 * Polls `check` until it returns a value other than undefined/false, or throws after `timeoutMs`
 * with the last error or value. For state that changes by itself (probes, restarts).
 */
export async function waitFor<T>(check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 10_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`waitFor: gave up after ${timeoutMs} ms; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** A lazy graphql-ws client (real WebSocket) on the gateway, sending `token` (if any) as connection params. */
export function wsClient(gw: { url: string }, token?: string): Client {
  return createClient({
    url: gw.url.replace('http', 'ws') + '/graphql',
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: true,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
  });
}
