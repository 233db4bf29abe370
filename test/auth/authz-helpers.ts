import type { Client } from 'graphql-ws';
import { wsClient, type GraphQLResponse, type TestGateway } from '../helpers/gateway.js';

export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

export { wsClient };

export interface Subscription {
  /** Every `next` payload so far. */
  results: { data?: any; errors?: { message: string; extensions?: Record<string, any> }[] }[];
  /** Resolves when the server completes the subscription (or the socket fails). */
  done: Promise<'complete' | Error>;
  stop(): void;
}

/** Subscribes and records what arrives. */
export function subscribe(client: Client, query: string, variables?: Record<string, unknown>): Subscription {
  const results: Subscription['results'] = [];
  let stop = () => {};
  const done = new Promise<'complete' | Error>((resolve) => {
    stop = client.subscribe(
      { query, variables },
      { next: (r) => void results.push(r as Subscription['results'][number]), error: (e) => resolve(e instanceof Error ? e : new Error(JSON.stringify(e))), complete: () => resolve('complete') },
    );
  });
  return { results, done, stop: () => stop() };
}

export type Outcome = 'ok' | 'FORBIDDEN' | 'UNAUTHENTICATED' | `invalid: ${string}`;

/** What a response says about access: the FORBIDDEN/UNAUTHENTICATED code, a validation problem, or ok. */
export function outcomeOf(body: GraphQLResponse['body'] | Subscription['results'][number]): Outcome {
  const codes = (body.errors ?? []).map((e) => e.extensions?.code as string | undefined);
  if (codes.includes('UNAUTHENTICATED')) return 'UNAUTHENTICATED';
  if (codes.includes('FORBIDDEN')) return 'FORBIDDEN';
  const invalid = body.errors?.find((e) => e.extensions?.code === 'GRAPHQL_VALIDATION_FAILED' || !e.extensions?.code);
  return invalid ? `invalid: ${invalid.message}` : 'ok';
}
