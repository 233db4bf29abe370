import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { parseConfig } from '../config/index.js';
import { Connection } from '../connections/index.js';
import { CatalogCache, ControlStore, loadSecretKey } from '../control/index.js';
import { migrate } from '../ops/index.js';

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
    await migrate(connection, { direction: 'up' });
  } catch (error) {
    await connection.close();
    throw error;
  }
  return { store: new ControlStore(connection, key), catalogs: new CatalogCache(connection), connection, close: () => connection.close() };
}
