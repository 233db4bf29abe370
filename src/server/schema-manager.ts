import { EventEmitter } from 'node:events';
import type { GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import { introspect, type Catalog } from '../catalog/index.js';
import type { ConnectionRegistry } from '../connections/index.js';
import { buildDatabaseModel, type DatabaseModel } from '../naming/index.js';
import { buildGatewaySchema, type SchemaExtension } from '../schema/index.js';

export interface CatalogState {
  catalog?: Catalog;
  /** Why the last introspection failed, or why the schema refused the database; the last good catalog is kept. */
  error?: string;
  /** True when the schema refused this database's catalog (not merely an introspection failure). */
  refused?: boolean;
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
    const fresh = new Map<string, Catalog | undefined>();
    await Promise.all(names.map(async (name) => fresh.set(name, await this.introspectOne(name))));
    this.rebuild(names);
    // Only a catalog the schema accepted is cached: a restart must not come back to a refused one.
    for (const [name, catalog] of fresh) {
      if (catalog && this.catalogs.get(name)?.catalog === catalog) {
        await this.store?.save(name, catalog).catch((error: Error) => this.log?.warn({ database: name, err: error.message }, 'could not cache the catalog'));
      }
    }
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

  /** Reads one database's catalog into its state; returns it when the read succeeded. */
  private async introspectOne(name: string): Promise<Catalog | undefined> {
    const connection = this.registry.get(name);
    if (!connection) return undefined;
    let fresh: Catalog | undefined;
    const state = this.catalogs.get(name) ?? {};
    try {
      fresh = state.catalog = await introspect((sql, params) => connection.query(sql, params), connection.config.schemas);
      state.error = undefined;
      state.refused = undefined;
    } catch (error) {
      state.error = `[catalog:${name}] ${connection.redact((error as Error).message)}`;
      if (!state.catalog) state.catalog = await this.cached(name);
      this.log?.warn({ database: name, err: state.error, cached: !!state.catalog }, 'introspection failed; keeping the last good catalog');
    }
    this.catalogs.set(name, state);
    return fresh;
  }

  /**
   * Rebuilds from the catalogs in hand, validates, and only then swaps. When the new catalog of
   * a `changed` database breaks the schema, that database keeps its last good catalog (the one
   * in the current schema, or none) and the reason shows in `databases { error }`; the others
   * are swapped as usual. Throws, keeping the previous schema, only when no such fallback helps.
   */
  rebuild(changed: string[] = []): void {
    let built = this.build();
    if (built.error && changed.length > 0) {
      const inSchema = new Map(this.models.map((m) => [m.database, m.catalog]));
      const suspects = changed.filter((name) => {
        const state = this.catalogs.get(name);
        return state?.catalog !== undefined && state.catalog !== inSchema.get(name);
      });
      // NOTE: each suspect's change alone (the others as served now), so one bad database does not hold back the others.
      const alone = (name: string) => this.build(new Map(suspects.filter((other) => other !== name).map((other) => [other, inSchema.get(other)]))).error;
      const guilty = suspects.map((name) => ({ name, error: alone(name) })).filter((g) => g.error);
      if (guilty.length === 0) guilty.push(...suspects.map((name) => ({ name, error: built.error })));
      for (const { name, error } of guilty) this.reject(name, inSchema.get(name), (error ?? built.error)!.message);
      built = this.build();
    }
    if (built.error) {
      this.log?.error({ err: built.error.message }, 'schema build failed; keeping the previous schema');
      throw built.error;
    }
    this.models = built.models;
    this.current = built.schema;
    this.emit('changed', { databases: changed, at: new Date().toISOString() });
  }

  /** Puts a database back on its last good catalog and records why its new one was refused. */
  private reject(name: string, lastGood: Catalog | undefined, reason: string): void {
    const state = this.catalogs.get(name)!;
    state.catalog = lastGood;
    state.refused = true;
    state.error =
      `[schema:${name}] its new catalog was refused, ${lastGood ? 'serving the previous one' : 'so it has no namespace yet'}: ${reason}. ` +
      'Hint: rename the object named in the message (or drop it), then reloadCatalog.';
    this.log?.error({ database: name, err: state.error }, 'catalog refused; keeping the last good one');
  }

  /** Models of every database with a catalog (`instead` replacing some), and the schema they make, validated. */
  private build(instead = new Map<string, Catalog | undefined>()): { models: DatabaseModel[]; schema: GraphQLSchema; error?: undefined } | { error: Error } {
    const models: DatabaseModel[] = [];
    const prefixes = new Map<string, string>();
    for (const connection of this.registry.list()) {
      const state = this.catalogs.get(connection.name);
      const catalog = instead.has(connection.name) ? instead.get(connection.name) : state?.catalog;
      if (!state || !catalog) continue;
      try {
        const model = buildDatabaseModel(connection.name, catalog, { readOnly: connection.config.readOnly, schemas: connection.config.schemas });
        // NOTE: `my_app` and `myApp` would share type names; the one registered later is left out rather than breaking every namespace.
        const clash = prefixes.get(model.typePrefix);
        if (clash) {
          state.refused = true;
          state.error = `[schema:${connection.name}] its type prefix ${model.typePrefix} is taken by database "${clash}"; register it under another name`;
          continue;
        }
        prefixes.set(model.typePrefix, connection.name);
        models.push(model);
      } catch (error) {
        return { error: error as Error };
      }
    }
    try {
      return { models, schema: buildGatewaySchema({ models, extensions: this.extensions() }) };
    } catch (error) {
      return { error: error as Error };
    }
  }
}
