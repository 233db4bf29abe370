import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import type { BenchDatabase } from './bench-cluster.js';
import type { BaselineDatabases, Scenario } from './scenarios.js';

/** The raw side of the comparison: node:http, one pg.Pool per database, hand-written SQL. */
export interface BaselineServer {
  /** http://127.0.0.1:port once listening. */
  url: string;
  stop(): Promise<void>;
}

/**
 * Serves each scenario at `POST|GET /<scenario.name>`; the request body is read and ignored.
 * The pools are as big as the gateway's (`poolMax`) so both sides get the same database.
 */
export async function startBaselineServer(
  urls: Record<BenchDatabase, string>,
  scenarios: readonly Scenario[],
  poolMax: number,
): Promise<BaselineServer> {
  const pools = new Map(Object.entries(urls).map(([name, url]) => [name, new pg.Pool({ connectionString: url, max: poolMax })]));
  for (const pool of pools.values()) pool.on('error', () => {}); // an idle client dropped at shutdown is not a failure
  const db: BaselineDatabases = {
    async text(database, sql, params) {
      const { rows } = await pools.get(database)!.query({ text: sql, values: params as unknown[], rowMode: 'array' });
      return rows[0][0] as string;
    },
  };
  const routes = new Map(scenarios.map((s) => [`/${s.name}`, s]));

  const server: Server = createServer((req, res) => {
    const scenario = routes.get(req.url ?? '');
    req.resume();
    req.on('end', () => {
      if (!scenario) {
        res.writeHead(404).end();
        return;
      }
      scenario.baseline(db).then(
        (body) => res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(body),
        (error: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`[bench:baseline] ${error.message}`),
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await Promise.all([...pools.values()].map((pool) => pool.end()));
    },
  };
}
