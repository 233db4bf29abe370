import type { ConnectionRegistry } from '../connections/index.js';
import type { AdminApi, DatabaseInfo } from '../schema/index.js';
import type { SchemaManager } from './schema-manager.js';

export interface AdminDeps {
  registry: ConnectionRegistry;
  schemas: SchemaManager;
}

/** Status of one database as the `Database` type shows it. SECURITY: no credentials. */
export function databaseInfo(deps: AdminDeps, name: string): DatabaseInfo {
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
    pool: c.poolStats(),
    tables: state?.catalog?.tables.length ?? 0,
  };
}

/** The operations behind the admin fields. */
export function createAdminApi(deps: AdminDeps): AdminApi {
  return {
    databases: () => deps.registry.list().map((c) => databaseInfo(deps, c.name)),
    reloadCatalog: async (name: string) => {
      deps.registry.require(name);
      await deps.schemas.reload([name]);
      return databaseInfo(deps, name);
    },
  };
}
