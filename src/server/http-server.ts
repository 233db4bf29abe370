import { createServer, type Server } from 'node:http';
import { useServer } from 'graphql-ws/use/ws';
import type { YogaServerInstance } from 'graphql-yoga';
import { WebSocketServer } from 'ws';
import type { ConnectionRegistry } from '../connections/index.js';
import type { GatewayContext } from '../schema/index.js';
import { handleHealth } from './health.js';

export interface HttpServer {
  server: Server;
  /** Stops accepting, lets in-flight requests finish, closes WebSockets. */
  close(): Promise<void>;
}

/**
 * One node:http server for GraphQL over HTTP (yoga), GraphQL over WebSocket (graphql-ws, same
 * path and port, through `yoga.getEnveloped` so auth and context match HTTP) and GET /health.
 */
export function createHttpServer(yoga: YogaServerInstance<Record<string, unknown>, GatewayContext>, registry: ConnectionRegistry): HttpServer {
  let stopping = false;
  const server = createServer((req, res) => {
    // NOTE: while stopping, a keep-alive connection must not hold server.close() open once its response is done.
    if (stopping) res.setHeader('connection', 'close');
    res.on('finish', () => stopping && server.closeIdleConnections());
    if (req.method === 'GET' && req.url?.split('?')[0] === '/health') return handleHealth(registry, req, res);
    return yoga(req, res);
  });
  const wss = new WebSocketServer({ server, path: yoga.graphqlEndpoint });
  useServer(
    {
      execute: (args: any) => args.rootValue.execute(args),
      subscribe: (args: any) => args.rootValue.subscribe(args),
      onSubscribe: async (ctx, _id, payload) => {
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...ctx,
          req: ctx.extra.request,
          socket: ctx.extra.socket,
          params: payload,
          connectionParams: ctx.connectionParams,
        });
        const args = {
          schema,
          operationName: payload.operationName,
          document: parse(payload.query),
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
