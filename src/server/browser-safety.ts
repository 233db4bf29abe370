import type { Plugin } from 'graphql-yoga';
import type { CorsConfig } from '../config/index.js';
import { GatewayError } from '../errors/index.js';

/** Request bodies a browser cannot send cross-origin without a CORS preflight. */
const PREFLIGHTED_BODIES = ['application/json', 'application/graphql+json', 'application/graphql'];

const LOOPBACK_HOST = /^(localhost|[^.]+\.localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/** Decides whether a browser page may talk to the gateway, from its Origin and the Host it called. */
export interface OriginPolicy {
  /**
   * Undefined when the request may go on; otherwise the refusal (ORIGIN_NOT_ALLOWED).
   * No Origin header means no browser page is involved (curl, servers, ws clients) and is allowed.
   */
  refusal(origin: string | undefined, host: string | undefined): GatewayError | undefined;
  /** Whether the Origin is allowed and so gets CORS response headers. */
  allows(origin: string | undefined, host: string | undefined): boolean;
}

/**
 * The origin rule for HTTP and WebSocket alike: an Origin listed in `cors.origins`, or the
 * gateway's own pages (GraphiQL), whose Origin names the very host the request was sent to,
 * provided that host is a loopback name or the configured `host`.
 * SECURITY: the second condition refuses DNS rebinding (a foreign name resolving to 127.0.0.1,
 * where Origin and Host agree); pages served under any other name must be listed.
 */
export function createOriginPolicy(cors: CorsConfig, listenHost: string): OriginPolicy {
  const listed = new Set(cors.origins);
  const ownHost = listenHost.toLowerCase();
  const sameOrigin = (origin: URL, host: string | undefined) => {
    if (!host || origin.host !== host.toLowerCase()) return false;
    return LOOPBACK_HOST.test(origin.hostname) || origin.hostname === ownHost;
  };
  const allows = (origin: string | undefined, host: string | undefined) => {
    if (origin === undefined) return true;
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      return false; // "null" (sandboxed frames, data: URLs) and anything unparsable
    }
    return listed.has(url.origin) || sameOrigin(url, host);
  };
  return {
    allows,
    refusal: (origin, host) =>
      allows(origin, host)
        ? undefined
        : new GatewayError('ORIGIN_NOT_ALLOWED', `[cors] requests from origin ${JSON.stringify(origin).slice(0, 200)} are not allowed`, {
            hint: 'add the page\'s origin (e.g. "https://dash.example.com") to cors.origins in the config',
          }),
  };
}

/** The yoga `cors` option: CORS headers only for allowed origins, never a wildcard. */
export function corsOptions(policy: OriginPolicy) {
  return (request: Request) => {
    const origin = request.headers.get('origin') ?? undefined;
    if (!origin || !policy.allows(origin, request.headers.get('host') ?? undefined)) return false as const;
    return { origin: [origin], credentials: true, methods: ['GET', 'POST'] };
  };
}

function refusalResponse(Response: typeof globalThis.Response, error: GatewayError, status: number): Response {
  return new Response(JSON.stringify({ errors: [error.toJSON()] }), { status, headers: { 'content-type': 'application/json; charset=utf-8' } });
}

/**
 * Refuses, before parsing, what a foreign web page could make a browser send (CSRF):
 * an Origin the policy does not allow (403 ORIGIN_NOT_ALLOWED), and POST bodies that need no
 * preflight — form, multipart, text/plain or none (415 UNSUPPORTED_MEDIA_TYPE).
 * SECURITY: CORS alone only hides responses; these requests would still run.
 */
export function useBrowserSafety(policy: OriginPolicy): Plugin {
  return {
    onRequest({ request, fetchAPI, endResponse }) {
      const refused = policy.refusal(request.headers.get('origin') ?? undefined, request.headers.get('host') ?? undefined);
      if (refused) return endResponse(refusalResponse(fetchAPI.Response, refused, 403));
      if (request.method !== 'POST') return;
      const type = (request.headers.get('content-type') ?? '').split(/[;,]/)[0].trim().toLowerCase();
      if (!PREFLIGHTED_BODIES.includes(type)) {
        const error = new GatewayError('UNSUPPORTED_MEDIA_TYPE', `[http] a POST body of type "${type.slice(0, 100) || 'none'}" is not accepted`, {
          hint: 'send the operation as JSON with content-type: application/json',
        });
        endResponse(refusalResponse(fetchAPI.Response, error, 415));
      }
    },
  };
}
