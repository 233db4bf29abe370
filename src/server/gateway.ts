import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { useServer } from 'graphql-ws/use/ws';
import { GraphQLError } from 'graphql';
import { createYoga, maskError, type YogaServerInstance } from 'graphql-yoga';
import type { Logger } from 'pino';
import { WebSocketServer } from 'ws';
import type { GatewayConfig, RelationshipConfig } from '../config/index.js';
import { ConnectionRegistry } from '../connections/index.js';
import { EventBus, MigrationRunManager, type MigrationRunEvent } from '../ops/index.js';
import { relationshipExtension, type GatewayContext, type Identity } from '../schema/index.js';
import { createAdminApi } from './admin-api.js';
import { handleHealth } from './health.js';
import { createLogger } from './logger.js';
import { createContextFactory, type InitialContext } from './request-context.js';
import { SchemaManager } from './schema-manager.js';
import { useSchemaSwap } from './use-schema-swap.js';

export interface GatewayOptions {
  logger?: Logger;
  /**
   * Identity of requests without credentials. The zero-config demo passes an admin;
   * with a config file anonymous access is off (null) unless configured.
   */
  anonymous?: Identity | null;
}

/** A running (or startable) gateway. `start()` connects and listens; `stop()` drains and closes. */
export interface Gateway {
  readonly config: GatewayConfig;
  readonly registry: ConnectionRegistry;
  readonly schemas: SchemaManager;
  readonly yoga: YogaServerInstance<Record<string, unknown>, GatewayContext>;
  readonly server: Server;
  readonly log: Logger;
  /** http://host:port once started. */
  url: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Builds the gateway from a validated config without doing I/O: databases are connected
 * and introspected by `start()`. A database that is down at start is listed DOWN and joins
 * the schema by itself once a probe reaches it.
 */
export function createGateway(config: GatewayConfig, options: GatewayOptions = {}): Gateway {
  const secrets = (): string[] => config.databases.map((d) => d.password).concat(registry.list().map((c) => c.config.password));
  const log: Logger = options.logger ?? createLogger(config.logLevel, secrets);
  const registry: ConnectionRegistry = new ConnectionRegistry(log);
  /** Relationships in force: from the config, plus those defined at run time. */
  const relationships: RelationshipConfig[] = [...config.relationships];
  const schemas = new SchemaManager(
    registry,
    () => [relationshipExtension(relationships, (problem) => log.debug({ problem }, 'relationship skipped'))],
    log,
  );
  const bus = new EventBus<MigrationRunEvent>();
  const runs = new MigrationRunManager(bus, {
    log,
    onFinished: (_run, changed) => {
      if (changed.size) void schemas.reload([...changed]).catch(() => {});
    },
  });
  const admin = createAdminApi({ registry, schemas, runs, audit: async () => {} });
  const anonymous = options.anonymous === undefined ? null : options.anonymous;
  const context = createContextFactory({
    registry,
    limits: config.limits,
    admin,
    authenticate: async () => anonymous ?? { name: 'anonymous', role: null },
    rlsSession: async () => undefined,
  });

  const yoga = createYoga<Record<string, unknown>, GatewayContext>({
    plugins: [useSchemaSwap(schemas)],
    context: (initial) => context(initial as InitialContext),
    graphqlEndpoint: '/graphql',
    graphiql: config.graphiql ? { subscriptionsProtocol: 'WS' } : false,
    landingPage: false,
    maskedErrors: {
      // Unexpected errors are logged (secrets scrubbed by the logger) and reach the client masked.
      maskError: (error, message) => {
        const original = (error as { originalError?: unknown }).originalError ?? error;
        if (!(original instanceof GraphQLError)) log.error({ err: (original as Error)?.message ?? String(original) }, 'unexpected error');
        return maskError(error, message, false);
      },
    },
    logging: {
      debug: (...args) => log.debug(args.map(String).join(' ')),
      info: (...args) => log.info(args.map(String).join(' ')),
      warn: (...args) => log.warn(args.map(String).join(' ')),
      error: (...args) => log.error(args.map(String).join(' ')),
    },
  });

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

  registry.on('status', (event) => {
    if (event.to !== 'DOWN' && !schemas.state(event.database)?.catalog) void schemas.reload([event.database]).catch(() => {});
  });

  const gateway: Gateway = {
    config,
    registry,
    schemas,
    yoga,
    server,
    log,
    url: '',
    async start() {
      await Promise.all(config.databases.map((d) => registry.add(d)));
      await schemas.reload();
      registry.startProbing(config.probeIntervalMs);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.port, config.host, () => resolve());
      });
      const { port } = server.address() as AddressInfo;
      gateway.url = `http://${config.host}:${port}`;
      log.info({ endpoint: `${gateway.url}/graphql`, databases: registry.list().map((c) => `${c.name}:${c.status}`) }, 'switchyard is listening');
    },
    async stop() {
      // Stop accepting; in-flight requests finish; then sockets, pools.
      stopping = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      for (const client of wss.clients) client.close(1001, 'server shutting down');
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await closed;
      await runs.drain();
      await registry.close();
    },
  };
  return gateway;
}
