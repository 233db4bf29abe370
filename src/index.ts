/**
 * Switchyard as a library: build a gateway from a config and embed it.
 *
 * @example
 * const gateway = createGateway(parseConfig({ databases: [{ name: 'app', url: process.env.APP_URL }] }));
 * await gateway.start();
 * const rows = await gateway.crossDatabaseQuery({ app: { sql: 'select count(*) from users' } });
 * await gateway.stop();
 */
export { createGateway } from './server/index.js';
export type { Gateway, GatewayOptions } from './server/index.js';
export { parseConfig, loadConfigFile, ConfigError, supabasePoolerUrl } from './config/index.js';
export type { GatewayConfig, DatabaseConfig, RawConfig, RelationshipConfig } from './config/index.js';
export { ConnectionRegistry, Connection } from './connections/index.js';
export type { DatabaseStatus } from './connections/index.js';
export { startEmbeddedCluster } from './embedded/index.js';
export type { EmbeddedCluster } from './embedded/index.js';
export { GatewayError } from './errors/index.js';
export type { ErrorCode } from './errors/index.js';
