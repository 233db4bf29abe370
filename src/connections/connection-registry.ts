import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { DatabaseConfig } from '../config/index.js';
import { GatewayError } from '../errors/index.js';
import { Connection, type StatusChangeEvent } from './connection.js';

/**
 * All registered databases by name. Probes each one periodically so a database that was down
 * comes back by itself even without traffic; re-emits every connection's `status`
 * ({@link StatusChangeEvent}), whether a probe or a request noticed the change.
 */
export class ConnectionRegistry extends EventEmitter<{ status: [StatusChangeEvent] }> {
  private readonly connections = new Map<string, Connection>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly log?: Logger) {
    super();
  }

  /** Adds a database and probes it once. A name already in use is an error. */
  async add(config: DatabaseConfig): Promise<Connection> {
    if (this.connections.has(config.name)) {
      throw new GatewayError('BAD_USER_INPUT', `[connections:${config.name}] a database named "${config.name}" is already registered`, {
        database: config.name,
        hint: 'pick another name or unregister the existing one first',
      });
    }
    const connection = new Connection(config, this.log);
    connection.on('status', (event) => {
      if (this.connections.get(event.database) === connection) this.emit('status', event);
    });
    this.connections.set(config.name, connection);
    await connection.probe();
    return connection;
  }

  async remove(name: string): Promise<void> {
    const connection = this.connections.get(name);
    if (!connection) return;
    this.connections.delete(name);
    await connection.close();
  }

  get(name: string): Connection | undefined {
    return this.connections.get(name);
  }

  /** The connection, or a NOT_FOUND error naming the database. */
  require(name: string): Connection {
    const connection = this.connections.get(name);
    if (!connection) {
      throw new GatewayError('NOT_FOUND', `[connections:${name}] no database named "${name}" is registered`, {
        database: name,
        hint: `registered: ${[...this.connections.keys()].join(', ') || 'none'}`,
      });
    }
    return connection;
  }

  list(): Connection[] {
    return [...this.connections.values()];
  }

  /** Probes every database now. */
  async probeAll(): Promise<void> {
    await Promise.all(this.list().map((c) => c.probe()));
  }

  /** Starts periodic probing (idempotent). The timer does not keep the process alive. */
  startProbing(intervalMs: number): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.probeAll(), intervalMs);
    this.timer.unref();
  }

  /** Stops probing and ends every pool. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    const all = this.list();
    this.connections.clear();
    await Promise.all(all.map((c) => c.close()));
  }
}
