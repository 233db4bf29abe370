import type { Connection } from '../connections/index.js';
import { GatewayError } from '../errors/index.js';
import type { DatabaseOutcome, MigrationOnError, MigrationStepEvent } from './migration-events.js';
import { migrate, type MigrateOptions } from './migrator.js';

/** Options of {@link migrateEach}: those of {@link migrate} for every database, plus the fan-out. */
export interface FanOutOptions extends Omit<MigrateOptions, 'onEvent'> {
  /** Databases migrated at a time. */
  parallel: number;
  /** STOP: after a failure no database not yet started is; CONTINUE: every database is migrated. */
  onError: MigrationOnError;
}

/** What {@link migrateEach} did. */
export interface FanOutResult {
  /** One per connection, in the order given; SKIPPED for those never started. */
  outcomes: DatabaseOutcome[];
  /** Error messages of the failed databases, in the order they failed. */
  failures: string[];
  /** Databases where at least one migration was applied. */
  changed: Set<string>;
}

/**
 * Migrates `connections` with up to `parallel` at a time, in the order given, passing every step
 * event to `onEvent` as it happens (the events of concurrent databases interleave).
 */
export async function migrateEach(connections: readonly Connection[], options: FanOutOptions, onEvent: (event: MigrationStepEvent) => void): Promise<FanOutResult> {
  const { parallel, onError, ...migrateOptions } = options;
  const outcomes = new Map<string, DatabaseOutcome>(connections.map((c) => [c.name, { database: c.name, status: 'SKIPPED', error: null, applied: 0 }]));
  const applied = new Map<string, number>();
  const changed = new Set<string>();
  const failures: string[] = [];
  const queue = [...connections];
  const relay = (event: MigrationStepEvent) => {
    if (event.type === 'MIGRATION_APPLIED') {
      changed.add(event.database);
      applied.set(event.database, (applied.get(event.database) ?? 0) + 1);
    }
    onEvent(event);
  };
  const worker = async () => {
    for (let connection = queue.shift(); connection; connection = queue.shift()) {
      const database = connection.name;
      try {
        const result = await migrate(connection, { ...migrateOptions, onEvent: relay });
        outcomes.set(database, { database, status: 'SUCCEEDED', error: null, applied: result.migrations.length });
      } catch (error) {
        const message = messageOf(error);
        failures.push(message);
        outcomes.set(database, { database, status: 'FAILED', error: message, applied: applied.get(database) ?? 0 });
        if (onError === 'STOP') queue.length = 0;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, queue.length) }, worker));
  return { outcomes: [...outcomes.values()], failures, changed };
}

/** The message of a run-level failure, prefixed with where it came from. */
export function messageOf(error: unknown): string {
  if (error instanceof GatewayError) return error.message;
  return `[ops:migrations] ${error instanceof Error ? error.message : String(error)}`;
}
