import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/** Why a request is refused before parsing: extensions code and HTTP status of a bad request. */
function refused(message: string, hint: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', hint, http: { status: 400 } } });
}

/**
 * The deepest bracket nesting (`{`, `[`, `(`) of a GraphQL document, strings and comments
 * skipped. One pass, no recursion, so it can run on any text before the (recursive) parser.
 */
export function documentNesting(source: string): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source.charCodeAt(i);
    if (c === 0x23 /* # */) {
      while (i < source.length && source.charCodeAt(i) !== 0x0a && source.charCodeAt(i) !== 0x0d) i++;
    } else if (c === 0x22 /* " */) {
      if (source.startsWith('"""', i)) {
        const end = source.indexOf('"""', i + 3);
        // NOTE: an escaped \""" inside a block string does not close it.
        let close = end;
        while (close > 0 && source.charCodeAt(close - 1) === 0x5c) close = source.indexOf('"""', close + 3);
        i = close < 0 ? source.length : close + 2;
      } else {
        for (i++; i < source.length && source.charCodeAt(i) !== 0x22 && source.charCodeAt(i) !== 0x0a; i++) {
          if (source.charCodeAt(i) === 0x5c) i++;
        }
      }
    } else if (c === 0x7b || c === 0x5b || c === 0x28) {
      if (++depth > deepest) deepest = depth;
    } else if (c === 0x7d || c === 0x5d || c === 0x29) {
      depth--;
    }
  }
  return deepest;
}

/** The deepest nesting of arrays and objects in a JSON value (a scalar is 0), without recursion. */
export function valueNesting(value: unknown, stopAbove = Infinity): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [item, depth] = stack.pop()!;
    if (item === null || typeof item !== 'object') continue;
    if (depth + 1 > deepest && (deepest = depth + 1) > stopAbove) return deepest;
    for (const child of Array.isArray(item) ? item : Object.values(item)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return deepest;
}

/** Throws BAD_USER_INPUT (400) when `variables` or `extensions` nest deeper than `max`. */
export function checkParamsNesting(params: { variables?: unknown; extensions?: unknown }, max: number): void {
  for (const key of ['variables', 'extensions'] as const) {
    // NOTE: the object holding the values is one level itself.
    if (valueNesting(params[key], max + 1) > max + 1) {
      throw refused(`${key} nest deeper than ${max} levels (limits.maxNesting)`, 'flatten the value (and: / or: take lists), or raise limits.maxNesting');
    }
  }
}

export interface RequestLimits {
  /** Deepest bracket nesting of a document, and of arrays / objects in variables. */
  maxNesting: number;
  /** Serve GET /graphql (queries only); false refuses GET with 405. */
  allowGet: boolean;
}

/**
 * SECURITY: bounds what a request can make the parser, the variable coercion and the caches
 * do before any resolver runs. Documents nesting deeper than `maxNesting` are refused before
 * the recursive parser sees them; so are variables and extensions nesting deeper; GET
 * parameters that are not JSON objects are a 400 (yoga's own parser throws a 500), and GET can
 * be switched off. Runs for HTTP (onRequestParse, onParams) and, through `getEnveloped`, for
 * WebSocket operations (onParse; list it after graphql-armor's token limit, whose parser it wraps); graphql-ws payloads are checked with `checkParamsNesting`.
 */
export function useRequestLimits(limits: RequestLimits): Plugin {
  return {
    onRequestParse({ request, url, setRequestParser }) {
      if (request.method !== 'GET') return;
      if (!limits.allowGet) {
        throw new GraphQLError('GET is switched off on this gateway (allowGet: false)', {
          extensions: { code: 'BAD_USER_INPUT', hint: 'send the operation as a JSON POST', http: { status: 405, headers: { allow: 'POST' } } },
        });
      }
      setRequestParser(() => parseGetParams(url.searchParams));
    },
    onParams({ params }) {
      checkParamsNesting(params, limits.maxNesting);
    },
    // PERF: wraps the parser in force (graphql-armor's token-limited one, so this plugin comes after
    // it), so the text is scanned only when a document is really parsed, not on cache hits.
    onParse({ parseFn, setParseFn }) {
      setParseFn((source, options) => {
        const depth = documentNesting(String(typeof source === 'string' ? source : source.body));
        if (depth > limits.maxNesting) {
          throw refused(
            `the document nests ${depth} levels deep; the limit is ${limits.maxNesting} (limits.maxNesting)`,
            'flatten the filter (and: / or: take lists) or pass it as a variable',
          );
        }
        return parseFn(source, options);
      });
    },
  };
}

function parseGetParams(search: URLSearchParams) {
  const json = (name: string): Record<string, unknown> | undefined => {
    const text = search.get(name);
    if (!text) return undefined;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw refused(`the ${name} parameter is not valid JSON`, `send ${name} as a URL-encoded JSON object`);
    }
    if (value === null) return undefined;
    if (typeof value !== 'object' || Array.isArray(value)) throw refused(`the ${name} parameter is not a JSON object`, `send ${name} as a URL-encoded JSON object`);
    return value as Record<string, unknown>;
  };
  return {
    query: search.get('query') ?? undefined,
    operationName: search.get('operationName') ?? undefined,
    variables: json('variables'),
    extensions: json('extensions'),
  };
}
