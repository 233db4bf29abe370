export { configSchema, databaseSchema, relationshipSchema, DATABASE_NAME, DEFAULT_LIMITS, DEFAULT_STATEMENT_TIMEOUT_MS, DEFAULT_DDL_STATEMENT_TIMEOUT_MS, DEFAULT_MIGRATION_STATEMENT_TIMEOUT_MS, DEFAULT_LIVE } from './config-schema.js';
export type { RawConfig, ParsedConfig, DatabaseEntry, RelationshipConfig, RlsConfig, AuthConfig, CorsConfig, LiveConfig, DatabaseLiveConfig } from './config-schema.js';
export { parseConfig, loadConfigFile, resolveDatabase, expandEnv, ConfigError } from './resolve-config.js';
export type { GatewayConfig, DatabaseConfig, ConnectionMode, SslMode } from './resolve-config.js';
export { supabasePoolerEndpoint, supabasePoolerUrl, SUPABASE_POOLER_PORT } from './supabase.js';
export { redactSecrets } from './redact.js';
export { parseCliArgs } from './cli-args.js';
export type { CliOptions } from './cli-args.js';
