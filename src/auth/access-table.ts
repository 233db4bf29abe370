import type { Identity, Role } from './roles.js';
import { grantsDatabase, unrestricted } from './roles.js';

/**
 * Databases an operation touches: the caller needs a grant on each. `'every'` means the
 * operation reaches all databases (or ones not known in advance), so only a caller without a
 * database limit may run it.
 */
export type DatabaseScope = readonly string[] | 'every';

/** Lookups the table needs for operations whose databases are not in their arguments. */
export interface AccessLookup {
  /** The databases a stored API key grants (null: every one), or undefined when there is no such key. */
  apiKeyDatabases(id: string): Promise<readonly string[] | null | undefined>;
  /** The relationships in force. */
  relationships(): readonly { name: string; from: { database: string }; to: { database: string } }[];
  /** A migration run's databases, or undefined when there is no such run. */
  migrationRun(id: string): Promise<{ databases: readonly string[] } | undefined>;
}

/** Arguments of a field, as GraphQL coerced them. */
export type FieldArgs = Readonly<Record<string, unknown>>;

/** What one field or operation needs. */
export interface AccessRule {
  /** The least role that may use it. */
  role: Role;
  /** The databases it touches, from its arguments (omitted: none). */
  databases?: (args: FieldArgs, lookup: AccessLookup) => DatabaseScope | Promise<DatabaseScope>;
  /**
   * For operations that list things: which items the caller may see. Resolvers already narrow
   * their queries; the wrapper filters again so a missed narrowing cannot leak.
   */
  visible?: (item: unknown, identity: Identity) => boolean;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value ? value : undefined);
const one = (value: unknown): DatabaseScope => (text(value) ? [value as string] : []);
const list = (value: unknown): DatabaseScope => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
const input = (args: FieldArgs): Record<string, unknown> => (args.input ?? {}) as Record<string, unknown>;
const end = (args: FieldArgs, side: 'from' | 'to'): unknown => (input(args)[side] as { database?: unknown } | undefined)?.database;

/** Visible when every listed database is granted; items without databases only to unrestricted callers. */
const allGranted = (databases: readonly string[] | null | undefined, identity: Identity): boolean =>
  unrestricted(identity) || (!!databases && databases.length > 0 && databases.every((d) => grantsDatabase(identity, d)));

/**
 * SECURITY: the authorization table. Every root field (Query, Mutation, Subscription) must have
 * an entry here or the schema does not build; `Query.<database>`, `Mutation.<database>`,
 * `Subscription.<database>` (live queries) and
 * cross-database relationship fields get theirs from {@link namespaceRule} and
 * {@link relationshipFieldRule}. The wrapper in `schema/` consults it before any resolver runs.
 */
export const ACCESS_TABLE: Readonly<Record<string, AccessRule>> = {
  // ── status ─────────────────────────────────────────────────────────────
  // NOTE: needs a role, so an anonymous caller without one gets UNAUTHENTICATED (the console's sign-in check).
  'Query.viewer': { role: 'reader' },
  'Query.databases': { role: 'reader', visible: (d, id) => grantsDatabase(id, (d as { name: string }).name) },

  // ── schema operations ──────────────────────────────────────────────────
  'Query.migrationStatus': { role: 'admin', databases: (a) => one(a.database) },
  'Query.migrationRuns': { role: 'admin', databases: (a) => one(a.database), visible: (r, id) => allGranted((r as { databases: string[] }).databases, id) },
  'Query.migrationRun': { role: 'admin', visible: (r, id) => allGranted((r as { databases: string[] }).databases, id) },
  'Mutation.reloadCatalog': { role: 'admin', databases: (a) => one(a.database) },
  'Mutation.executeDDL': { role: 'admin', databases: (a) => one(a.database) },
  'Mutation.createTable': { role: 'admin', databases: (a) => one(a.database) },
  'Mutation.installLiveNotify': { role: 'admin', databases: (a) => one(a.database) },
  // NOTE: without `databases` the run covers the caller's databases (all of them only for an unrestricted caller).
  'Mutation.runMigrations': { role: 'admin', databases: (a) => list(a.databases) },

  // ── registry and relationships ─────────────────────────────────────────
  'Query.relationships': {
    role: 'admin',
    visible: (r, id) => {
      const rel = r as { from: { database: string }; to: { database: string } };
      return grantsDatabase(id, rel.from.database) && grantsDatabase(id, rel.to.database);
    },
  },
  'Mutation.registerDatabase': { role: 'admin', databases: (a) => one(input(a).name) },
  'Mutation.updateDatabase': { role: 'admin', databases: (a) => one(input(a).name) },
  'Mutation.unregisterDatabase': {
    role: 'admin',
    // Unregistering also drops the relationships that reach the database, so their other ends count too.
    databases: (a, lookup) => {
      const name = text(a.name);
      if (!name) return [];
      const touching = lookup.relationships().filter((r) => r.from.database === name || r.to.database === name);
      return [...new Set([name, ...touching.flatMap((r) => [r.from.database, r.to.database])])];
    },
  },
  'Mutation.defineRelationship': {
    role: 'admin',
    // Replacing a relationship of the same name also touches the database the old one reached.
    databases: (a, lookup) => {
      const replaced = lookup.relationships().find((r) => r.from.database === end(a, 'from') && r.name === input(a).name);
      return [...one(end(a, 'from')), ...one(end(a, 'to')), ...(replaced ? [replaced.to.database] : [])];
    },
  },
  'Mutation.dropRelationship': {
    role: 'admin',
    databases: (a, lookup) => {
      const found = lookup.relationships().find((r) => r.from.database === a.database && r.name === a.name);
      return found ? [found.from.database, found.to.database] : one(a.database);
    },
  },

  // ── keys and audit ─────────────────────────────────────────────────────
  'Query.apiKeys': { role: 'admin', visible: (k, id) => allGranted((k as { databases?: string[] | null }).databases, id) },
  // NOTE: omitted databases mean the caller's own; the resolver also refuses a role above the caller's.
  'Mutation.createApiKey': { role: 'admin', databases: (a) => list(a.databases) },
  'Mutation.revokeApiKey': {
    role: 'admin',
    // An unknown key touches nothing (revoking it answers false); a key for every database needs an unrestricted caller.
    databases: async (a, lookup) => {
      const databases = await lookup.apiKeyDatabases(String(a.id));
      return databases === undefined ? [] : databases === null ? 'every' : databases;
    },
  },
  'Query.auditLog': { role: 'admin', databases: (a) => one(a.database), visible: (e, id) => allGranted(databasesOf(e), id) },

  // ── subscriptions (checked when the subscription starts; it ends with its credentials) ──
  'Subscription.migrationProgress': { role: 'reader', databases: async (a, lookup) => (await lookup.migrationRun(String(a.runId)))?.databases ?? [] },
  'Subscription.schemaChanged': { role: 'reader' },
  // NOTE: the stream itself lists only the caller's databases (admin/ops-admin.ts), as Query.databases does.
  'Subscription.databaseStatus': { role: 'reader' },
};

function databasesOf(entry: unknown): string[] | null {
  const database = (entry as { database?: string | null }).database;
  return database ? [database] : null;
}

/** `Query.<database>` and `Subscription.<database>` (live queries) need reader on it, `Mutation.<database>` writer. */
export function namespaceRule(operation: 'Query' | 'Mutation' | 'Subscription', database: string): AccessRule {
  return { role: operation === 'Mutation' ? 'writer' : 'reader', databases: () => [database] };
}

/**
 * A cross-database relationship field reads the target database: the caller needs a reader
 * grant there, whatever the source (a query, or rows returned by a mutation).
 */
export function relationshipFieldRule(target: string): AccessRule {
  return { role: 'reader', databases: () => [target] };
}

/** The rule of a root field, or undefined when it has none (the schema build then fails). */
export function rootFieldRule(operation: 'Query' | 'Mutation' | 'Subscription', field: string, databases: ReadonlySet<string>): AccessRule | undefined {
  const listed = ACCESS_TABLE[`${operation}.${field}`];
  if (listed) return listed;
  if (databases.has(field)) return namespaceRule(operation, field);
  return undefined;
}
