import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { parseConfig } from '../config/index.js';
import { Connection } from '../connections/index.js';
import { CatalogCache, ControlStore, loadSecretKey } from '../control/index.js';
import { GatewayError } from '../errors/index.js';
import { migrate } from '../ops/index.js';

/** How long a starting instance waits for another one that is bringing the control tables up to date. */
const CONTROL_LOCK_WAIT_MS = 60_000;

/**
 * Brings the control tables up to date. NOTE: instances started together race for the migration
 * lock; the ones that lose wait for the winner (then find nothing pending) instead of failing to start.
 */
async function migrateControl(connection: Connection, log: Logger): Promise<void> {
  const deadline = Date.now() + CONTROL_LOCK_WAIT_MS;
  for (;;) {
    try {
      await migrate(connection, { direction: 'up' });
      return;
    } catch (error) {
      if (!(error instanceof GatewayError && error.code === 'MIGRATION_LOCKED') || Date.now() > deadline) throw error;
      log.info('another instance is migrating the control database; waiting');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/** The gateway's own migrations, wherever the process was started from. */
export const CONTROL_MIGRATIONS = fileURLToPath(new URL('../../migrations/control', import.meta.url));

/**
 * Connects to the control database, brings its tables up to date and opens the store.
 * The caller owns the returned `close`.
 */
export async function openControlStore(url: string, secretKey: Uint8Array | undefined, log: Logger) {
  const key = secretKey ?? loadSecretKey(process.env);
  const [config] = parseConfig({ databases: [{ name: 'control', url, migrationsDir: CONTROL_MIGRATIONS, pool: { max: 4 } }] }, {}).databases;
  const connection = new Connection(config, log);
  try {
    await migrateControl(connection, log);
  } catch (error) {
    await connection.close();
    throw error;
  }
  return { store: new ControlStore(connection, key), catalogs: new CatalogCache(connection), connection, close: () => connection.close() };
}
