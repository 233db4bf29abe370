import { validateSchema } from 'graphql';
import { ACCESS_TABLE, type Identity } from '../auth/index.js';
import { databaseSchema, relationshipSchema, resolveDatabase, type DatabaseConfig, type DatabaseEntry, type RelationshipConfig } from '../config/index.js';
import { Connection, type ConnectionRegistry } from '../connections/index.js';
import type { AuditEntry, ControlAnnouncement, ControlStore } from '../control/index.js';
import { GatewayError } from '../errors/index.js';
import { pascalCase } from '../naming/index.js';
import type { AdminApi } from '../schema/index.js';
import { databaseInfo } from './database-info.js';
import { checkMigrationsDir } from './migrations-dir.js';
import type { SchemaHost } from './schema-host.js';

export interface RegistryAdminDeps {
  registry: ConnectionRegistry;
  schemas: SchemaHost;
  /** Relationships in force; changed in place (the schema's relationship extension reads it). */
  relationships: RelationshipConfig[];
  /** Names that come from the config file: not changeable at run time. */
  configured: ReadonlySet<string>;
  control: () => ControlStore | undefined;
  audit: (entry: AuditEntry) => Promise<void>;
  /** Absolute directory under which API-given migrationsDir must lie (config `migrationsRoot`). */
  migrationsRoot?: string;
  /** Tells the other instances what changed (the control bus); absent with a single instance. */
  announce?: (change: ControlAnnouncement) => void;
  /** Stored registrations in service here (entry JSON by name): kept current so a sync does not redo them. */
  known?: Map<string, string>;
}

type RegistryAdmin = Pick<
  AdminApi,
  | 'registerDatabase'
  | 'updateDatabase'
  | 'unregisterDatabase'
  | 'relationships'
  | 'defineRelationship'
  | 'dropRelationship'
>;

function validated<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } }, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${i.path.map(String).join('.') || '(input)'}: ${i.message}`).join('; ');
  throw new GatewayError('BAD_USER_INPUT', `${what}: ${problems}`);
}

/** Drops GraphQL nulls so zod sees absent fields. */
function compact(input: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(input)
      .filter(([, v]) => v !== null && v !== undefined)
      .map(([k, v]) => [k, v && typeof v === 'object' && !Array.isArray(v) ? compact(v as Record<string, unknown>) : v]),
  );
}

/** Root field names of the admin API: a database named like one would replace it in the schema. */
const ADMIN_FIELDS = new Set(Object.keys(ACCESS_TABLE).map((key) => key.split('.')[1]));

const touches = (r: RelationshipConfig, database: string) => r.from.database === database || r.to.database === database;

/**
 * Rebuilds through `build` and throws when the build fails or the result is not a valid
 * GraphQL schema (e.g. a table without columns gives a type without fields).
 * NOTE: the schema manager swaps before this check can run; the caller restores the previous
 * state at once, so an invalid schema is live only for that moment.
 */
async function buildChecked(schemas: SchemaHost, build: () => Promise<void> | void, database?: string): Promise<void> {
  await build();
  const problems = validateSchema(schemas.schema);
  if (problems.length) throw new Error(problems.map((p) => p.message).slice(0, 3).join('; '));
  // NOTE: the schema manager keeps serving when one database's catalog is refused; a registration must not be stored then.
  const state = database ? schemas.state(database) : undefined;
  if (state?.refused) throw new Error(state.error);
}

/**
 * Registration and relationships: run-time changes, persisted in the control database. Every change is built into a schema first and stored only when that works.
 * Callers are authorized before (src/auth's table).
 */
export function createRegistryAdmin(deps: RegistryAdminDeps): RegistryAdmin {
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

  function assertNewName(name: string) {
    if (ADMIN_FIELDS.has(name)) {
      throw new GatewayError('BAD_USER_INPUT', `database name "${name}" is taken by an admin field of the schema`, { database: name, hint: 'pick another name' });
    }
    if (registry.get(name)) {
      throw new GatewayError('BAD_USER_INPUT', `a database named "${name}" is already registered`, { database: name, hint: 'use updateDatabase, or another name' });
    }
    const taken = registry.list().find((c) => pascalCase(c.name) === pascalCase(name));
    if (taken) {
      throw new GatewayError('BAD_USER_INPUT', `database "${name}" would share GraphQL type names with "${taken.name}"`, {
        database: name,
        hint: 'pick a name that differs from it by more than case or underscores',
      });
    }
  }

  /** Takes `name` out of service again, putting `previous` back when there was one. */
  async function restore(name: string, previous: DatabaseConfig | undefined) {
    await registry.remove(name);
    if (!previous) return schemas.forget(name);
    await registry.add(previous);
    await schemas.reload([name]).catch(() => {});
  }

  /** Puts `config` in service and rebuilds; on a failed build, puts `previous` (if any) back and throws. */
  async function swapIn(config: DatabaseConfig, previous: DatabaseConfig | undefined) {
    if (previous) await registry.remove(config.name);
    await registry.add(config);
    try {
      await buildChecked(schemas, () => schemas.reload([config.name]), config.name);
    } catch (error) {
      await restore(config.name, previous);
      throw new GatewayError('BAD_USER_INPUT', `[registry:${config.name}] the schema does not build with this database: ${(error as Error).message}`, {
        database: config.name,
        hint: 'nothing was stored; fix the database (or its name) and try again',
      });
    }
  }

  async function register(input: Readonly<Record<string, unknown>>, actor: Identity, replace: boolean) {
    const action = replace ? 'UPDATE_DATABASE' : 'REGISTER_DATABASE';
    try {
      const entry = validated(databaseSchema, compact(input), replace ? 'updateDatabase' : 'registerDatabase') as DatabaseEntry;
      if (entry.migrationsDir !== undefined) entry.migrationsDir = checkMigrationsDir(entry.name, entry.migrationsDir, deps.migrationsRoot);
      if (replace) assertRuntime(entry.name);
      const previous = replace ? registry.require(entry.name).config : undefined;
      if (!replace) assertNewName(entry.name);
      const config = await tryConnect(entry);
      // Build first, then store: a registration that breaks the schema is never persisted.
      await swapIn(config, previous);
      try {
        await deps.control()?.saveDatabase(entry);
      } catch (error) {
        await restore(entry.name, previous);
        throw error;
      }
      deps.known?.set(entry.name, JSON.stringify(entry));
      deps.announce?.({ kind: 'registry' });
      await audit({ actor: actor.name, action, database: entry.name, summary: `${config.host}:${config.port}/${config.database}`, outcome: 'OK' });
      return databaseInfo({ registry, schemas }, entry.name);
    } catch (error) {
      await audit({ actor: actor.name, action, database: String(input.name ?? ''), summary: (error as Error).message, outcome: 'FAILED' });
      throw error;
    }
  }

  /** Replaces `relationships` with `next`, rebuilds; on a failed build restores them and throws. */
  async function rebuildWith(next: RelationshipConfig[], changed: string[]) {
    const before = relationships.splice(0, relationships.length, ...next);
    try {
      await buildChecked(schemas, () => schemas.rebuild(changed));
    } catch (error) {
      relationships.splice(0, relationships.length, ...before);
      try {
        schemas.rebuild(changed);
      } catch {
        // NOTE: the previous relationships built before; if not, the manager kept its last good schema.
      }
      throw new GatewayError('BAD_USER_INPUT', `the schema does not build with this change: ${(error as Error).message}`, { hint: 'nothing was stored' });
    }
    return before;
  }

  function checkRelationship(relationship: RelationshipConfig) {
    const models = schemas.databaseModels;
    const source = models.find((m) => m.database === relationship.from.database)?.tables.find((t) => t.table.name === relationship.from.table);
    const target = models.find((m) => m.database === relationship.to.database)?.tables.find((t) => t.table.name === relationship.to.table);
    if (!source || !target) {
      throw new GatewayError('BAD_USER_INPUT', `defineRelationship: ${!source ? 'from' : 'to'} table not found`, { hint: 'name a registered database and one of its tables' });
    }
    for (const [end, table] of [['from', source], ['to', target]] as const) {
      const missing = relationship[end].columns.filter((c) => !table.columnsBySql.has(c));
      if (missing.length) throw new GatewayError('BAD_USER_INPUT', `defineRelationship: ${end}.columns: no column ${missing.join(', ')} in ${table.table.name}`);
    }
    const replaces = relationships.some((r) => r.from.database === relationship.from.database && r.name === relationship.name);
    if (!replaces && source.fields.has(relationship.name)) {
      throw new GatewayError('BAD_USER_INPUT', `defineRelationship: ${source.typeName} already has a field "${relationship.name}"`);
    }
  }

  return {
    registerDatabase: (input, actor) => register(input, actor, false),
    updateDatabase: (input, actor) => register(input, actor, true),
    unregisterDatabase: async (name, actor) => {
      assertRuntime(name);
      registry.require(name);
      // Its relationships go with it, here and in the control database, so none dangles.
      const dropped = relationships.filter((r) => touches(r, name));
      const control = deps.control();
      for (const r of dropped) await control?.deleteRelationship(r.from.database, r.name);
      await control?.deleteDatabase(name);
      relationships.splice(0, relationships.length, ...relationships.filter((r) => !touches(r, name)));
      await registry.remove(name);
      schemas.forget(name);
      deps.known?.delete(name);
      deps.announce?.({ kind: 'registry' });
      const note = dropped.length ? ` (relationships dropped: ${dropped.map((r) => `${r.from.database}.${r.name}`).join(', ')})` : '';
      await audit({ actor: actor.name, action: 'UNREGISTER_DATABASE', database: name, summary: `${name}${note}`, outcome: 'OK' });
      return true;
    },
    relationships: () => relationships,
    defineRelationship: async (input, actor) => {
      const relationship = validated(relationshipSchema, compact(input), 'defineRelationship') as RelationshipConfig;
      checkRelationship(relationship);
      const same = (r: RelationshipConfig) => r.from.database === relationship.from.database && r.name === relationship.name;
      const next = relationships.some(same) ? relationships.map((r) => (same(r) ? relationship : r)) : [...relationships, relationship];
      // Build first, then store.
      const before = await rebuildWith(next, [relationship.from.database]);
      try {
        await deps.control()?.saveRelationship(relationship);
      } catch (error) {
        await rebuildWith(before, [relationship.from.database]);
        throw error;
      }
      deps.announce?.({ kind: 'registry' });
      await audit({ actor: actor.name, action: 'DEFINE_RELATIONSHIP', database: relationship.from.database, summary: `${relationship.name} → ${relationship.to.database}`, outcome: 'OK' });
      return relationship;
    },
    dropRelationship: async (database, name, actor) => {
      const found = relationships.find((r) => r.from.database === database && r.name === name);
      if (!found) throw new GatewayError('NOT_FOUND', `no relationship "${name}" on ${database}`, { database });
      await rebuildWith(relationships.filter((r) => r !== found), [database]);
      await deps.control()?.deleteRelationship(database, name);
      deps.announce?.({ kind: 'registry' });
      await audit({ actor: actor.name, action: 'DROP_RELATIONSHIP', database, summary: name, outcome: 'OK' });
      return true;
    },
  };
}
