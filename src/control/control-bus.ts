import { EventEmitter } from 'node:events';
import pg from 'pg';
import type { Logger } from 'pino';
import { clientConfig, type Connection } from '../connections/index.js';

/** The NOTIFY channel every instance listens on. */
export const CONTROL_CHANNEL = 'switchyard_changes';

/** Largest NOTIFY payload we send (Postgres refuses 8000 bytes and more). */
const MAX_PAYLOAD = 7500;

/**
 * What one instance announces to the others. The tables stay the source of truth: a message
 * says what to re-read (or, for run events, carries the stored event to save a round trip).
 */
export type ControlAnnouncement =
  /** Registrations or relationships changed: re-read both. */
  | { kind: 'registry' }
  /** These databases' catalogs changed (DDL, migrations, reloadCatalog): introspect them again. */
  | { kind: 'catalog'; databases: string[] }
  /** An API key was revoked: end its subscriptions now. */
  | { kind: 'key_revoked'; id: string }
  /** A migration run stored event `seq`; `event` is absent when it was too large to announce. */
  | { kind: 'run_event'; runId: string; seq: number; event?: unknown };

/** An announcement as received, with the id of the instance that sent it. */
export type ControlMessage = ControlAnnouncement & { origin: string };

/** Options of a {@link ControlBus}. */
export interface ControlBusOptions {
  /** First reconnect delay after the listening connection drops (doubles up to 2 s; default 100 ms). */
  reconnectMs?: number;
  /** How often the listening connection is pinged to notice a silent drop (default 5 s). */
  pingMs?: number;
  log?: Logger;
}

/**
 * LISTEN/NOTIFY on the control database: `publish()` sends an announcement through the pooled
 * `connection`; a dedicated client LISTENs and emits `message` for each one (the sender's own
 * included: `origin` tells). When that client drops it reconnects, and emits `resync` once it
 * listens again: announcements sent meanwhile are lost, so listeners re-read the tables then.
 * The caller owns the bus: `start()` before use, `close()` at shutdown.
 */
export class ControlBus extends EventEmitter<{ message: [ControlMessage]; resync: [] }> {
  private client?: pg.Client;
  private closed = false;
  private retry?: NodeJS.Timeout;
  private ping?: NodeJS.Timeout;
  private delay: number;

  constructor(
    private readonly connection: Connection,
    readonly instanceId: string,
    private readonly options: ControlBusOptions = {},
  ) {
    super();
    this.delay = options.reconnectMs ?? 100;
  }

  /** Connects and listens; throws when the first connection fails (the gateway cannot start then). */
  async start(): Promise<void> {
    await this.listen();
  }

  /** Announces `message` to every instance. Never throws: a lost announcement is healed by the next resync. */
  async publish(message: ControlAnnouncement): Promise<void> {
    let payload = JSON.stringify({ ...message, origin: this.instanceId });
    if (payload.length > MAX_PAYLOAD && message.kind === 'run_event') payload = JSON.stringify({ ...message, event: undefined, origin: this.instanceId });
    await this.connection
      .query('SELECT pg_notify($1, $2)', [CONTROL_CHANNEL, payload])
      .catch((error: Error) => this.options.log?.warn({ err: error.message }, 'control bus: could not announce a change'));
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    clearInterval(this.ping);
    await this.client?.end().catch(() => {});
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({ ...clientConfig(this.connection.config), application_name: 'switchyard-bus', keepAlive: true });
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    client.on('notification', (n) => {
      if (n.channel !== CONTROL_CHANNEL || !n.payload) return;
      try {
        this.emit('message', JSON.parse(n.payload) as ControlMessage);
      } catch (error) {
        this.options.log?.warn({ err: (error as Error).message }, 'control bus: a listener failed');
      }
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CONTROL_CHANNEL}`);
    } catch (error) {
      await client.end().catch(() => {});
      throw error;
    }
    this.client = client;
    this.delay = this.options.reconnectMs ?? 100;
    clearInterval(this.ping);
    this.ping = setInterval(() => void client.query('SELECT 1').catch(() => this.lost(client)), this.options.pingMs ?? 5000);
    this.ping.unref();
  }

  /** The listening client is gone: reconnect with backoff, then ask listeners to re-read. */
  private lost(client: pg.Client): void {
    if (this.closed || client !== this.client) return;
    this.client = undefined;
    clearInterval(this.ping);
    void client.end().catch(() => {});
    this.options.log?.warn('control bus: lost the listening connection; reconnecting');
    const attempt = () => {
      this.retry = setTimeout(async () => {
        if (this.closed) return;
        try {
          await this.listen();
          this.options.log?.info('control bus: listening again; re-reading shared state');
          this.emit('resync');
        } catch {
          this.delay = Math.min(this.delay * 2, 2000);
          attempt();
        }
      }, this.delay);
      this.retry.unref();
    };
    attempt();
  }
}
