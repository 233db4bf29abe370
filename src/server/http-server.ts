import { createServer, type Server } from 'node:http';
import { GraphQLError } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import type { YogaServerInstance } from 'graphql-yoga';
import { WebSocketServer } from 'ws';
import type { ConnectionRegistry } from '../connections/index.js';
import type { GatewayContext } from '../schema/index.js';
import type { OriginPolicy } from './browser-safety.js';
import { readBodyWithin, sendTooLarge } from './body-limit.js';
import { handleConsole } from './console-route.js';
import { handleHealth } from './health.js';
import type { GatewayMetrics } from './metrics.js';
import type { FastHandler } from './fast-serve.js';
import { checkParamsNesting } from './use-request-limits.js';

/** Bounds of what one client may send. */
export interface HttpServerLimits {
  /** Largest request body and WebSocket message, in bytes. */
  maxBodyBytes: number;
  /** Deepest nesting of graphql-ws payload variables. */
  maxNesting: number;
}

export interface HttpServerOptions {
  /** Origins whose pages may open a WebSocket (the same rule as HTTP). */
  origins: OriginPolicy;
  limits: HttpServerLimits;
  /** Serve the web console at /console. */
  console?: boolean;
  /** Answers POST /graphql requests it can prove equivalent, before yoga (see createFastPath). */
  fast?: FastHandler;
}

export interface HttpServer {
  server: Server;
  /** Stops accepting, lets in-flight requests finish, closes WebSockets. */
  close(): Promise<void>;
}

/**
 * One node:http server for GraphQL over HTTP (yoga), GraphQL over WebSocket (graphql-ws, same
 * path and port, through `yoga.getEnveloped` so auth and context match HTTP; upgrades pass the
 * same origin rule as HTTP), GET /health and GET /metrics (Prometheus). Request bodies and
 * WebSocket messages over `limits.maxBodyBytes` are refused (413 with a JSON error; WebSocket
 * close 1009).
 */
export function createHttpServer(
  yoga: YogaServerInstance<Record<string, unknown>, GatewayContext>,
  registry: ConnectionRegistry,
  metrics: GatewayMetrics,
  { origins, limits, console: serveConsole = true, fast }: HttpServerOptions,
): HttpServer {
  let stopping = false;
  const server = createServer((req, res) => {
    const started = performance.now();
    const path = req.url?.split('?')[0] ?? '/';
    res.on('finish', () => {
      metrics.observe(path === yoga.graphqlEndpoint || path === '/health' || path === '/metrics' ? path : path.startsWith('/console') ? '/console' : 'other', res.statusCode, (performance.now() - started) / 1000);
      // NOTE: while stopping, a keep-alive connection must not hold server.close() open once its response is done.
      if (stopping) server.closeIdleConnections();
    });
    if (stopping) res.setHeader('connection', 'close');
    if (req.method === 'GET' && path === '/health') return handleHealth(registry, req, res);
    if (req.method === 'GET' && path === '/metrics') return void metrics.handle(req, res);
    if ((req.method === 'GET' || req.method === 'HEAD') && serveConsole && handleConsole(req, res, path)) return;
    if (req.method === 'GET' || req.method === 'HEAD') return yoga(req, res);
    // SECURITY: the body is read here, at most maxBodyBytes of it, so yoga never buffers more.
    readBodyWithin(req, limits.maxBodyBytes).then(
      (body) => {
        if (!body) return sendTooLarge(res, limits.maxBodyBytes);
        // NOTE: yoga (whatwg-node) takes a body already read from `req.body`.
        (req as { body?: Buffer }).body = body;
        if (fast && req.method === 'POST' && path === yoga.graphqlEndpoint) return fast(req, res, body, () => yoga(req, res));
        return yoga(req, res);
      },
      () => res.destroy(),
    );
  });
  const wss = new WebSocketServer({
    server,
    path: yoga.graphqlEndpoint,
    maxPayload: limits.maxBodyBytes,
    // SECURITY: upgrades are not subject to CORS; a foreign page's socket would act with the browser's (or the demo's) rights.
    verifyClient: ({ origin, req }: { origin?: string; req: { headers: { host?: string } } }, done: (ok: boolean, code?: number, message?: string) => void) =>
      origins.allows(origin || undefined, req.headers.host) ? done(true) : done(false, 403, 'Origin not allowed'),
  });
  useServer(
    {
      execute: (args: any) => args.rootValue.execute(args),
      subscribe: (args: any) => args.rootValue.subscribe(args),
      onSubscribe: async (ctx, _id, payload) => {
        // NOTE: errors returned here reach the client as an `error` message; thrown ones would close the socket.
        try {
          checkParamsNesting(payload, limits.maxNesting);
        } catch (error) {
          return [error as GraphQLError];
        }
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...ctx,
          req: ctx.extra.request,
          socket: ctx.extra.socket,
          params: payload,
          connectionParams: ctx.connectionParams,
        });
        let document;
        try {
          document = parse(payload.query);
        } catch (error) {
          return [error instanceof GraphQLError ? error : new GraphQLError(String((error as Error)?.message ?? error))];
        }
        const args = {
          schema,
          operationName: payload.operationName,
          document,
          variableValues: payload.variables,
          contextValue: await contextFactory(),
          rootValue: { execute, subscribe },
        };
        const errors = validate(args.schema, args.document);
        return errors.length ? errors : args;
      },
    },
    wss,
  );
  return {
    server,
    async close() {
      stopping = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      for (const client of wss.clients) client.close(1001, 'server shutting down');
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await closed;
    },
  };
}
