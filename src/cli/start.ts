import { loadConfigFile, parseCliArgs, type GatewayConfig } from '../config/index.js';
import type { EmbeddedCluster } from '../embedded/index.js';
import type { Identity } from '../schema/index.js';
import { createGateway, type Gateway } from '../server/index.js';
import { startDemo } from '../demo.js';

export const START_HELP = `usage: switchyard start [--config <file>] [--port <n>]

Serves GraphQL at /graphql (GraphiQL in a browser), the console at /console, /health and /metrics.

  --config, -c <file>  YAML or JSON config (also SWITCHYARD_CONFIG). Without one, starts the
                       zero-config demo: an embedded PostgreSQL under ./.switchyard with the
                       databases engineer and app, anonymous requests as admin.
  --port, -p <n>       Port to listen on (also PORT; default from the config, 4000).

Ctrl-C / SIGTERM stop accepting requests, let in-flight ones finish, close pools and stop PostgreSQL.`;

/**
 * `switchyard start`: with --config / SWITCHYARD_CONFIG serves the listed databases; without,
 * starts the embedded demo. Resolves once listening; signals drain requests, close pools, stop Postgres.
 */
export async function startCommand(argv: readonly string[]): Promise<void> {
  const cli = parseCliArgs([...argv], process.env);
  let config: GatewayConfig;
  let cluster: EmbeddedCluster | undefined;
  let anonymous: Identity | null = null;
  let secretKey: Buffer | undefined;
  if (cli.configPath) {
    config = loadConfigFile(cli.configPath);
  } else {
    const demo = await startDemo({ port: cli.port });
    config = demo.config;
    cluster = demo.cluster;
    secretKey = demo.secretKey;
    anonymous = { name: 'anonymous', role: 'admin' };
  }
  if (cli.port !== undefined) config = { ...config, port: cli.port };
  const gateway: Gateway = createGateway(config, { anonymous, secretKey });
  if (cluster) gateway.log.warn('zero-config demo: anonymous requests have the admin role; use a config file for anything shared');

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    gateway.log.info({ signal }, 'shutting down');
    await gateway.stop();
    await cluster?.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  try {
    await gateway.start();
  } catch (error) {
    // A failed start (port taken, control database unreachable…) must not leave Postgres running.
    await gateway.stop().catch(() => {});
    await cluster?.stop();
    throw error;
  }
  gateway.log.info({ console: `${gateway.url}/console/` }, 'console');
}
