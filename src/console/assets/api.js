// GraphQL over fetch and graphql-ws, with the API key from session storage.
import { createClient } from './vendor/graphql-ws.js';

const KEY = 'switchyard.apiKey';

/** The API key of this tab: session storage only, never the URL or local storage. */
export const session = {
  get key() { return sessionStorage.getItem(KEY); },
  set(key) { sessionStorage.setItem(KEY, key); },
  clear() { sessionStorage.removeItem(KEY); },
};

/** A GraphQL error response; `code` and `hint` from the first error's extensions. */
export class GraphQLRequestError extends Error {
  constructor(errors) {
    super(errors.map((e) => e.message).join('\n'));
    this.errors = errors;
    this.code = errors[0]?.extensions?.code;
    this.hint = errors[0]?.extensions?.hint;
  }
}

const authorization = () => (session.key ? { authorization: `Bearer ${session.key}` } : {});

/** One operation over HTTP POST (application/json, the gateway's own origin). */
export async function gql(query, variables) {
  const res = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...authorization() },
    body: JSON.stringify({ query, variables }),
  });
  const body = await res.json().catch(() => ({ errors: [{ message: `HTTP ${res.status}` }] }));
  if (body.errors?.length) throw new GraphQLRequestError(body.errors);
  return body.data;
}

let client;

/** The one graphql-ws client of the page; the key goes in connectionParams. */
function ws() {
  client ??= createClient({
    url: `${location.origin.replace(/^http/, 'ws')}/graphql`,
    connectionParams: () => authorization(),
    lazy: true,
    retryAttempts: 1000,
  });
  return client;
}

/** Closes the socket (sign-out: the next subscription connects with the new key). */
export function closeSocket() {
  client?.dispose();
  client = undefined;
}

/**
 * Subscribes; `next` gets each result's data, `error` a GraphQLRequestError or Error.
 * Returns the function that unsubscribes.
 */
export function subscribe(query, variables, { next, error = () => {}, complete = () => {} }) {
  return ws().subscribe(
    { query, variables },
    {
      next: (result) => (result.errors?.length ? error(new GraphQLRequestError(result.errors)) : next(result.data)),
      error: (e) => error(Array.isArray(e) ? new GraphQLRequestError(e) : e instanceof Error ? e : new Error(e?.reason || 'connection closed')),
      complete,
    },
  );
}
