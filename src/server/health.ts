import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ConnectionRegistry } from '../connections/index.js';

/** GET /health: 200 when every database is UP (or DEGRADED), 503 with details otherwise. */
export function handleHealth(registry: ConnectionRegistry, _req: IncomingMessage, res: ServerResponse): void {
  const databases = registry.list().map((c) => ({ name: c.name, status: c.status, latencyMs: c.latencyMs, error: c.error }));
  const healthy = databases.every((d) => d.status !== 'DOWN');
  res.writeHead(healthy ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify({ status: healthy ? 'UP' : 'DOWN', databases }));
}
