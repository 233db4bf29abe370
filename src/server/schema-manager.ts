import { EventEmitter } from 'node:events';
import type { GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import { introspect, type Catalog } from '../catalog/index.js';
import type { ConnectionRegistry } from '../connections/index.js';
import { buildDatabaseModel, type DatabaseModel } from '../naming/index.js';
import { buildGatewaySchema, type SchemaExtension } from '../schema/index.js';

export interface CatalogState {
  catalog?: Catalog;
  /** Why the last introspection failed; the last good catalog is kept. */
  error?: string;
}

/** Where last good catalogs survive restarts (the control database). */
export interface CatalogStore {
  save(database: string, catalog: Catalog): Promise<void>;
  load(database: string): Promise<unknown>;
  forget(database: string): Promise<void>;
}

export interface SchemaChangedEvent {
  databases: string[];
  at: string;
}

/**
 * Owns every database's last good catalog and the current schema. Re-reads only the
 * affected database, rebuilds, and swaps atomically: requests in flight keep the schema
 * they started with. Emits `changed` after each swap.
 */
export class SchemaManager extends EventEmitter<{ changed: [SchemaChangedEvent] }> {
  private readonly catalogs = new Map<string, CatalogState>();
  private current: GraphQLSchema;
  private models: DatabaseModel[] = [];
  /** Set once the control database is open. */
  store?: CatalogStore;

  constructor(
    private readonly registry: ConnectionRegistry,
    private readonly extensions: () => SchemaExtension[] = () => [],
    private readonly log?: Logger,
  ) {
    super();
    this.current = buildGatewaySchema({ models: [] });
  }

  get schema(): GraphQLSchema {
    return this.current;
  }

  /** Models of the databases in the current schema (federation reads key columns from them). */
  get databaseModels(): readonly DatabaseModel[] {
    return this.models;
  }

  state(database: string): CatalogState | undefined {
    return this.catalogs.get(database);
  }

  /** Introspects `databases` (all when omitted), then rebuilds once. Never throws for one bad database. */
  async reload(databases?: string[]): Promise<void> {
    const names = databases ?? this.registry.list().map((c) => c.name);
    await Promise.all(names.map((name) => this.introspectOne(name)));
    this.rebuild(names);
  }

  private async cached(name: string): Promise<Catalog | undefined> {
    try {
      // The cache holds a Catalog this process type wrote itself (already parsed), not raw introspection output.
      const cached = (await this.store?.load(name)) as Catalog | undefined;
      return cached && Array.isArray(cached.tables) && Array.isArray(cached.enums) ? cached : undefined;
    } catch {
      return undefined;
    }
  }

  /** Forgets a database (unregistered) and rebuilds. */
  forget(database: string): void {
    this.catalogs.delete(database);
    void this.store?.forget(database).catch(() => {});
    this.rebuild([database]);
  }

  private async introspectOne(name: string): Promise<void> {
    const connection = this.registry.get(name);
    if (!connection) return;
    const state = this.catalogs.get(name) ?? {};
    try {
      state.catalog = await introspect((sql, params) => connection.query(sql, params), connection.config.schemas);
      state.error = undefined;
      await this.store?.save(name, state.catalog).catch((error: Error) => this.log?.warn({ database: name, err: error.message }, 'could not cache the catalog'));
    } catch (error) {
      state.error = `[catalog:${name}] ${connection.redact((error as Error).message)}`;
      if (!state.catalog) state.catalog = await this.cached(name);
      this.log?.warn({ database: name, err: state.error, cached: !!state.catalog }, 'introspection failed; keeping the last good catalog');
    }
    this.catalogs.set(name, state);
  }

  /** Rebuilds from the catalogs in hand. A build error keeps the previous schema. */
  rebuild(changed: string[] = []): void {
    const models: DatabaseModel[] = [];
    const prefixes = new Map<string, string>();
    for (const connection of this.registry.list()) {
      const state = this.catalogs.get(connection.name);
      if (!state?.catalog) continue;
      const model = buildDatabaseModel(connection.name, state.catalog, { readOnly: connection.config.readOnly, schemas: connection.config.schemas });
      // NOTE: `my_app` and `myApp` would share type names; the one registered later is left out rather than breaking every namespace.
      const clash = prefixes.get(model.typePrefix);
      if (clash) {
        state.error = `[schema:${connection.name}] its type prefix ${model.typePrefix} is taken by database "${clash}"; register it under another name`;
        continue;
      }
      prefixes.set(model.typePrefix, connection.name);
      models.push(model);
    }
    try {
      const schema = buildGatewaySchema({ models, extensions: this.extensions() });
      this.models = models;
      this.current = schema;
    } catch (error) {
      this.log?.error({ err: (error as Error).message }, 'schema build failed; keeping the previous schema');
      throw error;
    }
    this.emit('changed', { databases: changed, at: new Date().toISOString() });
  }
}
