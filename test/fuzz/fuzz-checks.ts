/** What one HTTP exchange with the gateway gave back. */
export interface Exchange {
  status: number;
  text: string;
  body?: { data?: unknown; errors?: { message: string; path?: unknown[]; extensions?: Record<string, unknown> }[] };
}

const ACCEPT = 'application/graphql-response+json, application/json';

/** POSTs a raw body (any text) to /graphql. */
export async function postRaw(url: string, body: string, contentType = 'application/json'): Promise<Exchange> {
  const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': contentType, accept: ACCEPT }, body });
  return read(res);
}

/** GETs /graphql with raw query-string parameters. */
export async function getRaw(url: string, params: Record<string, string>): Promise<Exchange> {
  const res = await fetch(`${url}/graphql?${new URLSearchParams(params)}`, { headers: { accept: ACCEPT } });
  return read(res);
}

async function read(res: Response): Promise<Exchange> {
  const text = await res.text();
  let body: Exchange['body'];
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, text, body };
}

/**
 * What is wrong with a response, or null: a 5xx, a GraphQL response that is not JSON, or an error the
 * gateway masked as internal (it did not expect it).
 */
export function problemWith(exchange: Exchange): string | null {
  if (exchange.status >= 500) return `HTTP ${exchange.status}: ${exchange.text.slice(0, 300)}`;
  // NOTE: refusals before GraphQL (415 unsupported media type, 413, 405) may carry no body.
  if (exchange.status >= 400 && exchange.status !== 400 && exchange.text === '') return null;
  if (!exchange.body || typeof exchange.body !== 'object') return `not JSON (HTTP ${exchange.status}): ${exchange.text.slice(0, 300)}`;
  const internal = exchange.body.errors?.find((e) => e.message === 'Unexpected error.' || e.extensions?.code === 'INTERNAL_SERVER_ERROR');
  if (internal) return `internal error: ${JSON.stringify(internal).slice(0, 300)}`;
  return null;
}

/** The parts of a response two equivalent requests must share (locations differ with the text). */
export function comparable(exchange: Exchange) {
  return {
    status: exchange.status,
    data: exchange.body?.data,
    errors: exchange.body?.errors?.map((e) => ({ message: e.message, path: e.path, code: e.extensions?.code })),
  };
}
