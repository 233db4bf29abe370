import type { Client } from 'graphql-ws';
import { wsClient, type TestGateway } from '../helpers/gateway.js';

export interface LiveResult {
  data?: any;
  errors?: { message: string; extensions?: Record<string, any> }[];
  /** When it arrived (performance.now()). */
  at: number;
}

export interface LiveSubscription {
  results: LiveResult[];
  done: Promise<'complete' | Error>;
  stop(): void;
}

/** A graphql-ws client (real WebSocket) on the gateway. */
export const liveClient = wsClient;

/** Subscribes and records each `next` payload with its arrival time. */
export function live(client: Client, query: string, variables?: Record<string, unknown>): LiveSubscription {
  const results: LiveResult[] = [];
  let stop = () => {};
  const done = new Promise<'complete' | Error>((resolve) => {
    stop = client.subscribe(
      { query, variables },
      {
        next: (r) => void results.push({ ...(r as object), at: performance.now() }),
        error: (e) => resolve(e instanceof Error ? e : new Error(JSON.stringify(e))),
        complete: () => resolve('complete'),
      },
    );
  });
  return { results, done, stop: () => stop() };
}

/** Waits until `check()` holds, polling every 10 ms; throws after `timeoutMs`. */
export async function until(check: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
