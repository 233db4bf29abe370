import { Agent, request } from 'node:http';
import { resetStatementStats, statementTotals } from './bench-cluster.js';
import type { LoadTarget } from './load.js';

/** One side answering requests one at a time: no queueing, so latency minus SQL time is the side's own overhead. */
export interface SerialResult {
  /** Mean round trip of one request, ms. */
  msPerRequest: number;
  /** Execution time inside PostgreSQL per request (pg_stat_statements), ms. */
  sqlMsPerRequest: number;
  /** Statements the bench databases ran per request. */
  statementsPerRequest: number;
}

/**
 * Sends `requests` requests one after another (after a few unmeasured ones) and reads what
 * PostgreSQL executed meanwhile. `statsUrl` is any database of the cluster.
 */
export async function measureSerial(target: LoadTarget, requests: number, statsUrl: string): Promise<SerialResult> {
  // PERF: node:http with keep-alive costs about half of fetch per request, and this client shares the event loop with both servers.
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const send = () =>
    new Promise<void>((resolve, reject) => {
      const req = request(target.url, { method: 'POST', agent, headers: { 'content-type': 'application/json', accept: 'application/json' } }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`[bench:serial] ${target.url} answered ${res.statusCode}`))));
      });
      req.on('error', reject);
      req.end(target.body);
    });
  try {
    return await timeSerial(send, requests, statsUrl);
  } finally {
    agent.destroy();
  }
}

async function timeSerial(send: () => Promise<void>, requests: number, statsUrl: string): Promise<SerialResult> {
  for (let i = 0; i < 20; i++) await send();
  await resetStatementStats(statsUrl);
  const started = performance.now();
  for (let i = 0; i < requests; i++) await send();
  const elapsed = performance.now() - started;
  const totals = await statementTotals(statsUrl);
  return {
    msPerRequest: elapsed / requests,
    sqlMsPerRequest: totals.totalMs / requests,
    statementsPerRequest: totals.calls / requests,
  };
}
