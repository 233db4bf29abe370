import type { Logger } from 'pino';
import { resolveDatabase, type DatabaseConfig, type DatabaseEntry, type RelationshipConfig } from '../config/index.js';
import type { ConnectionRegistry } from '../connections/index.js';
import type { ControlStore } from '../control/index.js';
import type { SchemaHost } from './schema-host.js';

export interface ControlSyncDeps {
  registry: ConnectionRegistry;
  schemas: SchemaHost;
  /** Relationships in force; replaced in place. */
  relationships: RelationshipConfig[];
  /** Relationships of the config file (always in force, never from the control database). */
  configuredRelationships: readonly RelationshipConfig[];
  /** Names from the config file: never touched by a sync. */
  configured: ReadonlySet<string>;
  control: () => ControlStore | undefined;
  log?: Logger;
}

/**
 * Brings this instance in line with the control database after another instance changed it:
 * registrations added, replaced or removed, relationships replaced, catalogs re-read. The tables
 * are the truth; an instance only remembers which stored entries it has put in service
 * ({@link ControlSync.known}), so a registration still being built here is never taken away.
 */
export interface ControlSync {
  /** Entry text (JSON) of each stored registration in service here, by name. */
  readonly known: Map<string, string>;
  /** Re-reads registrations and relationships and applies the difference; calls made meanwhile are coalesced into one more pass. */
  registry(): Promise<void>;
  /** Introspects these databases again (those registered here) and swaps the schema. */
  catalogs(databases: readonly string[]): Promise<void>;
}

/** Creates the {@link ControlSync} of one gateway. */
export function createControlSync(deps: ControlSyncDeps): ControlSync {
  const known = new Map<string, string>();
  let running: Promise<void> | undefined;
  let again = false;

  async function pass(): Promise<void> {
    const control = deps.control();
    if (!control) return;
    const entries = await control.listDatabases();
    const changed: string[] = [];
    const stored = new Map(entries.filter((e) => !deps.configured.has(e.name)).map((e) => [e.name, e]));
    for (const [name, entry] of stored) {
      const text = JSON.stringify(entry);
      if (known.get(name) === text && deps.registry.get(name)) continue;
      let config: DatabaseConfig;
      try {
        config = resolveDatabase(entry as DatabaseEntry, 0, process.cwd());
      } catch (error) {
        deps.log?.error({ database: name, err: (error as Error).message }, 'control sync: stored registration does not resolve');
        continue;
      }
      await deps.registry.remove(name);
      await deps.registry.add(config);
      known.set(name, text);
      changed.push(name);
    }
    const removed = [...known.keys()].filter((name) => !stored.has(name));
    for (const name of removed) {
      known.delete(name);
      await deps.registry.remove(name);
      deps.schemas.forget(name);
    }
    const wanted = [...deps.configuredRelationships];
    for (const r of await control.listRelationships()) {
      if (!wanted.some((x) => x.from.database === r.from.database && x.name === r.name)) wanted.push(r);
    }
    const relationshipsChanged = JSON.stringify(wanted) !== JSON.stringify(deps.relationships);
    if (relationshipsChanged) deps.relationships.splice(0, deps.relationships.length, ...wanted);
    if (changed.length) await deps.schemas.reload(changed);
    else if (relationshipsChanged || removed.length) {
      try {
        deps.schemas.rebuild([]);
      } catch (error) {
        deps.log?.error({ err: (error as Error).message }, 'control sync: the schema does not build with the stored relationships');
      }
    }
  }

  const registry = async (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await pass().catch((error: Error) => deps.log?.error({ err: error.message }, 'control sync failed'));
      } while (again);
    })().finally(() => (running = undefined));
    return running;
  };

  return {
    known,
    registry,
    async catalogs(databases) {
      const here = databases.filter((d) => deps.registry.get(d));
      if (here.length) await deps.schemas.reload(here).catch((error: Error) => deps.log?.warn({ err: error.message }, 'control sync: reload failed'));
    },
  };
}
