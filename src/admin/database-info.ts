import type { ConnectionRegistry } from '../connections/index.js';
import type { DatabaseInfo } from '../schema/index.js';
import type { SchemaHost } from './schema-host.js';

/** Status of one database as the `Database` type shows it. SECURITY: no credentials. */
export function databaseInfo(deps: { registry: ConnectionRegistry; schemas: Pick<SchemaHost, 'state' | 'databaseModels'> }, name: string): DatabaseInfo {
  const c = deps.registry.require(name);
  const state = deps.schemas.state(name);
  return {
    name: c.name,
    purpose: c.config.purpose,
    status: c.status,
    serverVersion: c.serverVersion,
    mode: c.config.mode,
    readOnly: c.config.readOnly,
    latencyMs: c.latencyMs,
    error: c.error ?? state?.error ?? null,
    hint: c.error ? c.hint : null,
    pool: c.poolStats(),
    tables: deps.schemas.databaseModels.find((m) => m.database === name)?.tables.length ?? 0,
  };
}
