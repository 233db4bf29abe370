import type { IncomingMessage, ServerResponse } from 'node:http';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ConnectionRegistry } from '../connections/index.js';

/** Prometheus metrics of one gateway (its own registry, so several gateways can share a process). */
export interface GatewayMetrics {
  /** Counts one statement sent to a database. */
  statement(database: string): void;
  /** Times one HTTP request. */
  observe(path: string, status: number, seconds: number): void;
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** Reports live queries: open ones (gauge, read at scrape), and each refresh's cost. */
  live(open: () => number): (refresh: { statements: number; cached: number; durationMs: number }) => void;
}

export function createMetrics(connections: ConnectionRegistry): GatewayMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'switchyard_' });
  const statements = new Counter({ name: 'switchyard_statements_total', help: 'SQL statements sent, per database', labelNames: ['database'], registers: [registry] });
  const requests = new Histogram({
    name: 'switchyard_http_request_duration_seconds',
    help: 'HTTP requests by path and status',
    labelNames: ['path', 'status'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const perDatabase = (name: string, help: string, value: (c: ReturnType<ConnectionRegistry['list']>[number]) => number | null) =>
    new Gauge({
      name,
      help,
      labelNames: ['database'],
      registers: [registry],
      collect() {
        this.reset();
        for (const c of connections.list()) {
          const v = value(c);
          if (v !== null) this.set({ database: c.name }, v);
        }
      },
    });
  perDatabase('switchyard_database_up', '1 when the last probe reached the database', (c) => (c.status === 'DOWN' ? 0 : 1));
  perDatabase('switchyard_database_probe_latency_ms', 'Round trip of the last health probe', (c) => c.latencyMs);
  perDatabase('switchyard_pool_connections', 'Open connections in the pool', (c) => c.poolStats().total);
  perDatabase('switchyard_pool_waiting', 'Requests waiting for a pooled connection', (c) => c.poolStats().waiting);
  return {
    live(open) {
      new Gauge({ name: 'switchyard_live_queries', help: 'Live queries open', registers: [registry], collect() { this.set(open()); } });
      const refreshStatements = new Counter({ name: 'switchyard_live_refresh_statements_total', help: 'Statements sent by live query refreshes', registers: [registry] });
      const cached = new Counter({ name: 'switchyard_live_cached_members_total', help: 'Live query members answered without a statement (notify mode, tables unchanged)', registers: [registry] });
      const refreshes = new Histogram({
        name: 'switchyard_live_refresh_duration_seconds',
        help: 'One refresh of live queries: statements and executions',
        buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
        registers: [registry],
      });
      return (refresh) => {
        refreshStatements.inc(refresh.statements);
        cached.inc(refresh.cached);
        refreshes.observe(refresh.durationMs / 1000);
      };
    },
    statement: (database) => statements.inc({ database }),
    observe: (path, status, seconds) => requests.observe({ path, status: String(status) }, seconds),
    async handle(_req, res) {
      const body = await registry.metrics();
      res.writeHead(200, { 'content-type': registry.contentType });
      res.end(body);
    },
  };
}
