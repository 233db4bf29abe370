import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import type { ClusterInfo } from '../setup/global-setup.js';

export type ClusterName = 'a' | 'b';

export function cluster(name: ClusterName = 'a'): ClusterInfo {
  return inject('clusters')[name];
}

export function databaseUrl(info: ClusterInfo, database: string): string {
  return `postgres://${info.user}:${encodeURIComponent(info.password)}@${info.host}:${info.port}/${database}`;
}

export interface TestDatabase {
  name: string;
  url: string;
  cluster: ClusterInfo;
  /** Runs SQL as the superuser on this database. */
  sql<T extends pg.QueryResultRow = any>(text: string, params?: unknown[]): Promise<T[]>;
  /** Statements this database has received since the last reset (pg_stat_statements). */
  statementCount(): Promise<number>;
  resetStatements(): Promise<void>;
  drop(): Promise<void>;
}

async function withClient<T>(info: ClusterInfo, database: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl(info, database) });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Creates a fresh, uniquely named database on a shared test cluster. */
export async function createTestDatabase(prefix: string, clusterName: ClusterName = 'a'): Promise<TestDatabase> {
  const info = cluster(clusterName);
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  await withClient(info, 'postgres', (c) => c.query(`CREATE DATABASE "${name}"`));
  await withClient(info, name, (c) => c.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements'));
  const sql = <T extends pg.QueryResultRow>(text: string, params?: unknown[]) =>
    withClient(info, name, async (c) => (await c.query<T>(text, params)).rows);
  // NOTE: counted by database id and excluding the counting and reset queries themselves.
  const statsFilter = `dbid = (SELECT oid FROM pg_database WHERE datname = '${name}')
    AND query NOT ILIKE '%pg_stat_statements%' AND query NOT ILIKE 'SELECT 1%'`;
  return {
    name,
    url: databaseUrl(info, name),
    cluster: info,
    sql,
    statementCount: async () => {
      const rows = await sql<{ n: string }>(`SELECT coalesce(sum(calls), 0) AS n FROM pg_stat_statements WHERE ${statsFilter}`);
      return Number(rows[0].n);
    },
    resetStatements: async () => {
      await sql(`SELECT pg_stat_statements_reset(0, (SELECT oid FROM pg_database WHERE datname = '${name}'), 0)`);
    },
    drop: () => withClient(info, 'postgres', (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).then(() => {})),
  };
}
