import pg from 'pg';
import type { DatabaseConfig } from '../config/index.js';
import { clientConfig } from './pool.js';

/** An open LISTEN on one channel; `close()` ends its dedicated connection. */
export interface Listener {
  close(): Promise<void>;
}

/**
 * LISTENs on `channel` on a dedicated connection of its own (LISTEN needs one session, so it
 * is refused through transaction-mode poolers by the caller). `onNotify` gets each payload;
 * `onLost` is called once when the connection ends or fails (notifications may have been missed).
 * Owns the connection: `close()` ends it without calling `onLost`.
 */
export async function listen(config: DatabaseConfig, channel: string, onNotify: (payload: string) => void, onLost: (error: unknown) => void): Promise<Listener> {
  const client = new pg.Client({ ...clientConfig(config), application_name: 'switchyard-live' });
  let closing = false;
  let lost = false;
  const lose = (error: unknown) => {
    if (closing || lost) return;
    lost = true;
    onLost(error);
  };
  client.on('error', lose);
  client.on('end', () => lose(new Error('listener connection ended')));
  client.on('notification', (n) => {
    if (n.channel === channel) onNotify(n.payload ?? '');
  });
  await client.connect();
  try {
    await client.query(`LISTEN ${client.escapeIdentifier(channel)}`);
  } catch (error) {
    closing = true;
    await client.end().catch(() => {});
    throw error;
  }
  return {
    async close() {
      closing = true;
      await client.end().catch(() => {});
    },
  };
}
