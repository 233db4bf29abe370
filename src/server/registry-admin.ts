import { databaseSchema, relationshipSchema, resolveDatabase, type DatabaseConfig, type DatabaseEntry, type RelationshipConfig } from '../config/index.js';
import { Connection, type ConnectionRegistry } from '../connections/index.js';
import type { ControlStore } from '../control/index.js';
import { GatewayError } from '../errors/index.js';
import { pascalCase } from '../naming/index.js';
import type { Identity } from '../schema/index.js';
import { databaseInfo, type AuditEntry } from './admin-api.js';
import type { SchemaManager } from './schema-manager.js';

export interface RegistryAdminDeps {
  registry: ConnectionRegistry;
  schemas: SchemaManager;
  relationships: RelationshipConfig[];
  /** Names that come from the config file: not changeable at run time. */
  configured: ReadonlySet<string>;
  control: () => ControlStore | undefined;
  audit: (entry: AuditEntry) => Promise<void>;
  log?: { warn: (obj: object, msg: string) => void };
}

function validated<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } }, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${i.path.map(String).join('.') || '(input)'}: ${i.message}`).join('; ');
  throw new GatewayError('BAD_USER_INPUT', `${what}: ${problems}`);
}

/** Drops GraphQL nulls so zod sees absent fields. */
function compact(input: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(input)
      .filter(([, v]) => v !== null && v !== undefined)
      .map(([k, v]) => [k, v && typeof v === 'object' && !Array.isArray(v) ? compact(v as Record<string, unknown>) : v]),
  );
}

/** Registration, relationships and API keys: run-time changes, persisted in the control database. */
export function createRegistryAdmin(deps: RegistryAdminDeps) {
  const { registry, schemas, relationships, audit } = deps;

  /** Tests the connection (SELECT version()) before anything is kept. */
  async function tryConnect(entry: DatabaseEntry) {
    let config: DatabaseConfig;
    try {
      config = resolveDatabase(entry, 0, process.cwd());
    } catch (error) {
      // SECURITY: ConfigError messages never echo the URL; only the config-file key path is dropped.
      throw new GatewayError('BAD_USER_INPUT', `[registry:${entry.name}] ${(error as Error).message.replace(/^databases\[\d+\]\.?/, '').replace(/^: /, '')}`, {
        database: entry.name,
        hint: 'url must look like postgres://user:password@host:5432/database',
      });
    }
    const probe = new Connection(config);
    try {
      await probe.query('SELECT version()');
    } catch (error) {
      const e = error as GatewayError;
      throw new GatewayError('DB_UNAVAILABLE', `[registry:${entry.name}] cannot connect: ${probe.redact(e.message)}`, {
        database: entry.name,
        hint: (e.extensions?.hint as string | undefined) ?? 'check host, port, user and password',
      });
    } finally {
      await probe.close();
    }
    return config;
  }

  function assertRuntime(name: string) {
    if (deps.configured.has(name)) {
      throw new GatewayError('BAD_USER_INPUT', `database "${name}" comes from the config file`, { database: name, hint: 'change it in the config file' });
    }
  }

  async function register(input: Record<string, unknown>, actor: Identity, replace: boolean) {
    const action = replace ? 'UPDATE_DATABASE' : 'REGISTER_DATABASE';
    try {
      return await registerOrUpdate(input, actor, replace);
    } catch (error) {
      await audit({ actor: actor.name, action, database: String(input.name ?? ''), summary: (error as Error).message, outcome: 'FAILED' });
      throw error;
    }
  }

  async function registerOrUpdate(input: Record<string, unknown>, actor: Identity, replace: boolean) {
    const entry = validated(databaseSchema, compact(input), replace ? 'updateDatabase' : 'registerDatabase') as DatabaseEntry;
    if (replace) {
      assertRuntime(entry.name);
      registry.require(entry.name);
    } else if (registry.get(entry.name)) {
      throw new GatewayError('BAD_USER_INPUT', `a database named "${entry.name}" is already registered`, { database: entry.name, hint: 'use updateDatabase, or another name' });
    } else if (registry.list().some((c) => pascalCase(c.name) === pascalCase(entry.name))) {
      const taken = registry.list().find((c) => pascalCase(c.name) === pascalCase(entry.name))!.name;
      throw new GatewayError('BAD_USER_INPUT', `database "${entry.name}" would share GraphQL type names with "${taken}"`, {
        database: entry.name,
        hint: 'pick a name that differs from it by more than case or underscores',
      });
    }
    const config = await tryConnect(entry);
    await deps.control()?.saveDatabase(entry);
    if (replace) await registry.remove(entry.name);
    await registry.add(config);
    await schemas.reload([entry.name]);
    await audit({ actor: actor.name, action: replace ? 'UPDATE_DATABASE' : 'REGISTER_DATABASE', database: entry.name, summary: `${config.host}:${config.port}/${config.database}`, outcome: 'OK' });
    return databaseInfo({ registry, schemas }, entry.name);
  }

  return {
    registerDatabase: (input: Record<string, unknown>, actor: Identity) => register(input, actor, false),
    updateDatabase: (input: Record<string, unknown>, actor: Identity) => register(input, actor, true),
    unregisterDatabase: async (name: string, actor: Identity) => {
      assertRuntime(name);
      registry.require(name);
      await deps.control()?.deleteDatabase(name);
      await registry.remove(name);
      schemas.forget(name);
      await audit({ actor: actor.name, action: 'UNREGISTER_DATABASE', database: name, summary: name, outcome: 'OK' });
      return true;
    },
    relationships: () => relationships,
    defineRelationship: async (input: Record<string, unknown>, actor: Identity) => {
      const relationship = validated(relationshipSchema, compact(input), 'defineRelationship') as RelationshipConfig;
      const before = schemas.databaseModels;
      const source = before.find((m) => m.database === relationship.from.database)?.tables.find((t) => t.table.name === relationship.from.table);
      const target = before.find((m) => m.database === relationship.to.database)?.tables.find((t) => t.table.name === relationship.to.table);
      if (!source || !target) {
        throw new GatewayError('BAD_USER_INPUT', `defineRelationship: ${!source ? 'from' : 'to'} table not found`, { hint: 'name a registered database and one of its tables' });
      }
      for (const [end, table] of [['from', source], ['to', target]] as const) {
        const missing = relationship[end].columns.filter((c) => !table.columnsBySql.has(c));
        if (missing.length) throw new GatewayError('BAD_USER_INPUT', `defineRelationship: ${end}.columns: no column ${missing.join(', ')} in ${table.table.name}`);
      }
      const at = relationships.findIndex((r) => r.from.database === relationship.from.database && r.name === relationship.name);
      if (at >= 0) relationships.splice(at, 1, relationship);
      else {
        if (source.fields.has(relationship.name)) throw new GatewayError('BAD_USER_INPUT', `defineRelationship: ${source.typeName} already has a field "${relationship.name}"`);
        relationships.push(relationship);
      }
      await deps.control()?.saveRelationship(relationship);
      schemas.rebuild([relationship.from.database]);
      await audit({ actor: actor.name, action: 'DEFINE_RELATIONSHIP', database: relationship.from.database, summary: relationship.name, outcome: 'OK' });
      return relationship;
    },
    dropRelationship: async (database: string, name: string, actor: Identity) => {
      const at = relationships.findIndex((r) => r.from.database === database && r.name === name);
      if (at < 0) throw new GatewayError('NOT_FOUND', `no relationship "${name}" on ${database}`, { database });
      relationships.splice(at, 1);
      await deps.control()?.deleteRelationship(database, name);
      schemas.rebuild([database]);
      await audit({ actor: actor.name, action: 'DROP_RELATIONSHIP', database, summary: name, outcome: 'OK' });
      return true;
    },
    createApiKey: async (input: { label: string; role: 'admin' | 'writer' | 'reader'; databases?: string[] | null }, actor: Identity) => {
      const control = requireControl(deps);
      const created = await control.createApiKey({ label: input.label, role: input.role, databases: input.databases ?? undefined });
      await audit({ actor: actor.name, action: 'CREATE_API_KEY', summary: `${input.label} (${input.role})`, outcome: 'OK' });
      return { ...created, label: input.label, role: input.role };
    },
    revokeApiKey: async (id: string, actor: Identity) => {
      const revoked = await requireControl(deps).revokeApiKey(id);
      await audit({ actor: actor.name, action: 'REVOKE_API_KEY', summary: id, outcome: revoked ? 'OK' : 'FAILED' });
      return revoked;
    },
    apiKeys: () => requireControl(deps).listApiKeys(),
    auditLog: (database: string | undefined, limit: number) => requireControl(deps).listAudit({ database, limit }),
  };
}

function requireControl(deps: RegistryAdminDeps): ControlStore {
  const control = deps.control();
  if (!control) throw new GatewayError('BAD_USER_INPUT', 'no control database is configured', { hint: 'set control: { url } in the config' });
  return control;
}
