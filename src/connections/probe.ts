import pg from 'pg';
import type { DatabaseConfig } from '../config/index.js';
import { isConnectionLost, isPoolWaitTimeout } from './connection-errors.js';
import { clientConfig } from './pool.js';

/** What one successful probe measured. */
export interface ProbeResult {
  /** Round trip of the probe statement, in ms (two decimals), without connecting. */
  latencyMs: number;
  serverVersion: string;
}

// NOTE: starts with "SELECT 1" so statement counts in tests can leave probes out.
const PROBE_SQL = "SELECT 1 AS ok, current_setting('server_version') AS server_version";

async function timed(client: pg.ClientBase): Promise<ProbeResult> {
  const started = performance.now();
  const { rows } = await client.query<{ server_version: string }>(PROBE_SQL);
  return { latencyMs: Math.round((performance.now() - started) * 100) / 100, serverVersion: rows[0].server_version };
}

/** Probes on a client of its own, so that neither a full pool nor a stale pooled client can fail the probe. */
async function probeAlone(config: DatabaseConfig): Promise<ProbeResult> {
  const client = new pg.Client({ ...clientConfig(config), application_name: 'switchyard-probe' });
  client.on('error', () => {});
  try {
    await client.connect();
    return await timed(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Runs the probe statement on a pooled client, or on a client of its own when `pool` is not given
 * (the caller passes none when every pooled connection is busy). A pooled client found dead (the
 * server restarted since it was used) is discarded and the probe repeated on a fresh client.
 * Throws what connecting or the statement threw: any probe failure means DOWN.
 */
export async function probeDatabase(pool: pg.Pool | undefined, config: DatabaseConfig): Promise<ProbeResult> {
  if (!pool) return probeAlone(config);
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    // The pool filled up between the caller's look and this connect: that is not a failure.
    if (isPoolWaitTimeout(error)) return probeAlone(config);
    throw error;
  }
  const ignore = () => {};
  client.on('error', ignore);
  try {
    const result = await timed(client);
    client.removeListener('error', ignore);
    client.release();
    return result;
  } catch (error) {
    client.removeListener('error', ignore);
    client.release(true);
    if (isConnectionLost(error)) return probeAlone(config);
    throw error;
  }
}
