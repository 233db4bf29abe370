import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Server } from 'node:http';
import { hostname } from 'node:os';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { YogaServerInstance } from 'graphql-yoga';
import type { Logger } from 'pino';
import { ConfigError, resolveDatabase, type DatabaseConfig, type GatewayConfig, type RelationshipConfig } from '../config/index.js';
import { ConnectionRegistry, type Connection } from '../connections/index.js';
import { ControlBus, ControlStore, RunStore, type AuditEntry, type ControlAnnouncement, type ControlMessage } from '../control/index.js';
import { createAdminApi, createControlSync } from '../admin/index.js';
import { EventBus, MigrationRunManager, type MigrationRun, type MigrationRunEvent } from '../ops/index.js';
import { relationshipExtension, type GatewayContext, type Identity } from '../schema/index.js';
import { createAuthenticator, createRlsSessions } from './auth.js';
import { createOriginPolicy } from './browser-safety.js';
import { openControlStore } from './control-bootstrap.js';
import { createFastPath, type FastPathStats } from './fast-path.js';
import { createFastHandler, type FastPathMode } from './fast-serve.js';
import { createHttpServer } from './http-server.js';
import { createTrustedDocuments } from './trusted-documents.js';
import { createLogger } from './logger.js';
import { createMetrics } from './metrics.js';
import { createContextFactory, runRead } from './request-context.js';
import { ChangeNotifications, createTypeOracle, LiveScheduler, notifyDdl } from '../live/index.js';
import { listen } from '../connections/index.js';
import { SchemaManager } from './schema-manager.js';
import { createGatewayYoga } from './yoga.js';

export interface GatewayOptions {
  logger?: Logger;
  /**
   * Identity of requests without credentials. The zero-config demo passes an admin;
   * otherwise `auth.anonymousRole` of the config decides (none by default).
   */
  anonymous?: Identity | null;
  /** AES-256-GCM key for credentials in the control database (default: SWITCHYARD_SECRET_KEY). */
  secretKey?: Uint8Array;
  /**
   * The fast path (see createFastPath): `on` by default, `off`, or `verify` (tests: every answer
   * is compared with the full pipeline's). SWITCHYARD_FAST_PATH=off|verify overrides it, so a whole
   * test run can be checked.
   */
  fastPath?: FastPathMode;
}

/** A running (or startable) gateway. `start()` connects and listens; `stop()` drains and closes. */
export interface Gateway {
  readonly config: GatewayConfig;
  readonly registry: ConnectionRegistry;
  readonly schemas: SchemaManager;
  readonly yoga: YogaServerInstance<Record<string, unknown>, GatewayContext>;
  readonly server: Server;
  readonly log: Logger;
  /** Live queries: refresh timers, cohorts and their counters (`live.stats()`, `live.onRefresh`). */
  readonly live: LiveScheduler;
  /** What the fast path answered and declined since start. */
  readonly fastPath: FastPathStats;
  /** http://host:port once started. */
  url: string;
  /** This process's id among the instances sharing the control database (owner of the runs it executes). */
  readonly instanceId: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /**
   * Runs one raw statement per database concurrently and returns each database's rows,
   * for scripts that want SQL across databases. On a `readOnly` database the statement runs in a
   * READ ONLY transaction, so Postgres refuses writes.
   */
  crossDatabaseQuery(statements: Record<string, { sql: string; params?: unknown[] }>): Promise<Record<string, Record<string, unknown>[]>>;
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
  /** Relationships in force: from the config, the control database and defineRelationship. */
  const relationships: RelationshipConfig[] = [...config.relationships];
  const schemas = new SchemaManager(registry, () => [relationshipExtension(relationships, (problem) => log.debug({ problem }, 'relationship skipped'))], log);
  let control: ControlStore | undefined;
  let closeControl: (() => Promise<void>) | undefined;
  const audit = async (entry: AuditEntry) => {
    if (!control) return log.info({ audit: entry }, 'audit');
    await control.audit(entry).catch((error: Error) => log.warn({ err: error.message }, 'audit write failed'));
  };
  const instanceId = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  let bus: ControlBus | undefined;
  let reaper: NodeJS.Timeout | undefined;
  const announce = (change: ControlAnnouncement) => void bus?.publish(change);
  const revocations = new EventEmitter<{ revoked: [string] }>();
  const runs = new MigrationRunManager(new EventBus<MigrationRunEvent>(), {
    log,
    leaseMs: config.control?.leaseMs,
    monitor: config.migrationProgress,
    onFinished: (run, changed) => {
      // One entry per database, so an admin limited to some databases sees the runs that touched them.
      const summary = `run ${run.id}: ${run.status}${run.error ? ` — ${run.error}` : ''}`;
      const outcome = run.status === 'SUCCEEDED' ? 'OK' : 'FAILED';
      for (const database of run.databases) void audit({ actor: run.startedBy ?? 'unknown', action: 'MIGRATION_RUN', database, summary, outcome });
      if (changed.size) {
        void schemas.reload([...changed]).catch(() => {});
        announce({ kind: 'catalog', databases: [...changed] });
      }
    },
  });
  const configured = new Set(config.databases.map((d) => d.name));
  const notifications = new ChangeNotifications({
    listen: (connection, channel, onNotify, onLost) => listen(connection.config, channel, onNotify, onLost),
    wanted: (connection) => connection.config.live?.notify === true,
    onProblem: (database, error) => log.warn({ database, err: (error as Error)?.message ?? String(error) }, 'live notify listener down; polling meanwhile'),
  });
  const sync = createControlSync({ registry, schemas, relationships, configuredRelationships: config.relationships, configured, control: () => control, log });
  const admin = createAdminApi({
    liveNotify: { ddl: notifyDdl, installed: (database) => notifications.rewatch(registry.require(database)) },
    announce,
    revocations,
    known: sync.known,
    registry,
    schemas,
    runs,
    audit,
    history: (database, limit, within) => control?.listMigrationRuns(database, limit, within),
    relationships,
    configured,
    statusEveryMs: config.probeIntervalMs,
    control: () => control,
    migrationsRoot: config.migrationsRoot ? path.resolve(config.migrationsRoot) : undefined,
  });
  const metrics = createMetrics(registry);
  const live = new LiveScheduler({
    live: config.live,
    override: (database) => registry.get(database)?.config.live,
    run: runRead,
    types: createTypeOracle(),
    onStatement: (database) => metrics.statement(database),
    notify: notifications,
  });
  live.onRefresh(metrics.live(() => live.stats().open));
  const context = createContextFactory({
    live,
    registry,
    onStatement: metrics.statement,
    limits: config.limits,
    admin,
    authenticate: createAuthenticator({ auth: config.auth, control: () => control, anonymous: options.anonymous ?? null }),
    rlsSession: createRlsSessions(),
  });
  const origins = createOriginPolicy(config.cors, config.host);
  const trusted = createTrustedDocuments(config.trustedDocuments);
  const yoga = createGatewayYoga(config, schemas, context, log, origins, trusted);
  const fastMode = fastPathMode(process.env.SWITCHYARD_FAST_PATH) ?? options.fastPath ?? 'on';
  const fastPath = createFastPath({ yoga, schemas, context, limits: config.limits, trusted });
  const fast = createFastHandler(fastPath, yoga, fastMode, log);
  const http = createHttpServer(yoga, registry, metrics, { origins, limits: config.limits, console: config.console, fast });

  /** Databases registered at run time (stored in the control database) join those of the config. */
  async function loadControl(): Promise<DatabaseConfig[]> {
    if (!config.control) return [];
    const opened = await openControlStore(config.control.url, options.secretKey, log);
    control = opened.store;
    schemas.store = opened.catalogs;
    closeControl = opened.close;
    const entries = await control.listDatabases();
    const clash = entries.find((e) => configured.has(e.name));
    if (clash) throw new ConfigError(`database "${clash.name}" is both in the config file and registered in the control database; unregister one`);
    for (const r of await control.listRelationships()) {
      if (!relationships.some((x) => x.from.database === r.from.database && x.name === r.name)) relationships.push(r);
    }
    for (const e of entries) sync.known.set(e.name, JSON.stringify(e));
    await startBus(opened.connection);
    return entries.map((e, i) => resolveDatabase(e, i, process.cwd()));
  }

  /** Listens to the other instances and makes migration runs jobs shared with them. */
  async function startBus(connection: Connection): Promise<void> {
    bus = new ControlBus(connection, instanceId, { log });
    bus.on('message', (message: ControlMessage) => {
      if (message.kind === 'run_event') {
        if (message.event) runs.relay(message.event as MigrationRunEvent);
        else void runs.resync();
        return;
      }
      if (message.origin === instanceId) return;
      if (message.kind === 'registry') void sync.registry();
      else if (message.kind === 'catalog') void sync.catalogs(message.databases);
      else if (message.kind === 'key_revoked') revocations.emit('revoked', message.id);
    });
    bus.on('resync', () => void resync());
    await bus.start();
    runs.useJournal(new RunStore<MigrationRun, MigrationRunEvent>(connection, bus));
    const leaseMs = config.control?.leaseMs ?? 15_000;
    reaper = setInterval(() => {
      void runs
        .reapAbandoned()
        .then((ids) => ids.length && log.warn({ runs: ids }, 'migration runs abandoned by a stopped instance'))
        .catch((error: Error) => log.warn({ err: error.message }, 'could not check for abandoned runs'));
    }, Math.max(250, leaseMs / 2));
    reaper.unref();
  }

  /** Announcements sent while the bus was disconnected are lost: re-read everything they could have said. */
  async function resync(): Promise<void> {
    await sync.registry();
    await schemas.reload().catch(() => {});
    await runs.resync();
    const keys = await control?.listApiKeys().catch(() => []);
    for (const key of keys ?? []) if (key.revokedAt) revocations.emit('revoked', key.id);
  }

  const gateway: Gateway = {
    config,
    registry,
    schemas,
    yoga,
    server: http.server,
    log,
    live,
    fastPath: fastPath.stats,
    url: '',
    instanceId,
    async start() {
      const registered = await loadControl();
      await Promise.all([...config.databases, ...registered].map((d) => registry.add(d)));
      await schemas.reload();
      // A database that comes up without a fresh catalog (none, or one from the cache) is read again.
      registry.on('status', (event) => {
        const state = schemas.state(event.database);
        if (event.to !== 'DOWN' && (!state?.catalog || state.error)) void schemas.reload([event.database]).catch(() => {});
      });
      registry.startProbing(config.probeIntervalMs);
      await new Promise<void>((resolve, reject) => {
        http.server.once('error', reject);
        http.server.listen(config.port, config.host, () => resolve());
      });
      const { port } = http.server.address() as AddressInfo;
      gateway.url = `http://${config.host}:${port}`;
      log.info({ endpoint: `${gateway.url}/graphql`, databases: registry.list().map((c) => `${c.name}:${c.status}`) }, 'switchyard is listening');
    },
    async stop() {
      live.close();
      await http.close();
      await runs.drain();
      clearInterval(reaper);
      await bus?.close();
      await registry.close();
      await closeControl?.();
    },
    async crossDatabaseQuery(statements) {
      const entries = await Promise.all(
        Object.entries(statements).map(async ([database, { sql, params }]) => {
          const connection = registry.require(database);
          if (!connection.config.readOnly) return [database, (await connection.query(sql, params)).rows] as const;
          // SECURITY: readOnly is enforced by Postgres here, not only by the absence of mutation fields.
          const rows = await connection.transaction(async (client) => {
            await client.query('SET TRANSACTION READ ONLY');
            return (await client.query(sql, params as unknown[] | undefined)).rows as Record<string, unknown>[];
          });
          return [database, rows] as const;
        }),
      );
      return Object.fromEntries(entries);
    },
  };
  return gateway;
}

function fastPathMode(value: string | undefined): FastPathMode | undefined {
  if (value === undefined || value === '') return undefined;
  if (value === 'on' || value === 'off' || value === 'verify') return value;
  throw new ConfigError(`SWITCHYARD_FAST_PATH is "${value}"; use on, off or verify`);
}
