/**
 * `npm run bench:live` (not part of `npm test`): N live queries (LIVE_SUBSCRIBERS, default 5000)
 * over three shapes × LIVE_VARIABLE_SETS variable sets on an embedded PostgreSQL, a writer
 * changing one row at a steady rate (LIVE_WRITES_PER_SEC), for LIVE_DURATION seconds. Reports
 * cohorts, statements per refresh and per second, the gateway's CPU and RSS (the subscribers run
 * in a child process), commit-to-client p50/p99 and missed changes. Writes
 * bench/results/live-latest.json.
 */
import { fork } from 'node:child_process';
import { chmod, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { parseConfig } from '../src/config/index.js';
import { freePort, startEmbeddedCluster } from '../src/embedded/index.js';
import type { LiveStats } from '../src/live/index.js';
import { createGateway } from '../src/server/index.js';
import type { Arrival, ClientPlan } from './live-clients.js';

const SUBSCRIBERS = Number(process.env.LIVE_SUBSCRIBERS ?? 5000);
const VARIABLE_SETS = Number(process.env.LIVE_VARIABLE_SETS ?? 20);
const WRITES_PER_SEC = Number(process.env.LIVE_WRITES_PER_SEC ?? 20);
const DURATION_SEC = Number(process.env.LIVE_DURATION ?? 20);
const INTERVAL_MS = Number(process.env.LIVE_INTERVAL_MS ?? 1000);
const PER_CONNECTION = 250;
const ROWS_PER_SENSOR = 10;

const log = (line: string) => console.log(`[bench:live] ${line}`);
const now = () => performance.timeOrigin + performance.now();

/** Three shapes; each subscription covers a fixed set of rows, so every change it should see is known. */
const SHAPES = [
  { name: 'list', query: `subscription($s: Int!) { live { readings(where: { sensorId: { eq: $s } }, orderBy: [{ id: ASC }]) { id value } } }`, rows: (k: number) => rowsOfSensor(k), variables: (k: number) => ({ s: k }) },
  { name: 'byPk', query: `subscription($id: Int!) { live { readingsByPk(id: $id) { id value } } }`, rows: (k: number) => [k], variables: (k: number) => ({ id: k }) },
  {
    name: 'page',
    query: `subscription($s: Int!) { live { readingsConnection(first: ${ROWS_PER_SENSOR}, where: { sensorId: { eq: $s } }, orderBy: [{ id: ASC }]) { totalCount edges { node { id value } } } } }`,
    rows: (k: number) => rowsOfSensor(k),
    variables: (k: number) => ({ s: k }),
  },
];
const rowsOfSensor = (s: number) => Array.from({ length: ROWS_PER_SENSOR }, (_, i) => (s - 1) * ROWS_PER_SENSOR + i + 1);

const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN);

async function main(): Promise<void> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'switchyard-bench-live-'));
  await chmod(dataDir, 0o755);
  const cluster = await startEmbeddedCluster({ dataDir, password: 'bench-pw', persistent: false, serverFlags: ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'max_connections=100'] });
  const url = cluster.url('live');
  await cluster.ensureDatabase('live');
  const sql = new pg.Pool({ connectionString: url, max: 2 });
  sql.on('error', () => {});
  await sql.query(`CREATE TABLE readings (id int PRIMARY KEY, sensor_id int NOT NULL, value int NOT NULL);
    CREATE INDEX ON readings (sensor_id);
    INSERT INTO readings SELECT g, (g - 1) / ${ROWS_PER_SENSOR} + 1, 0 FROM generate_series(1, ${VARIABLE_SETS * ROWS_PER_SENSOR}) g;`);
  const config = parseConfig({ port: await freePort(), logLevel: 'silent', probeIntervalMs: 60_000, live: { intervalMs: INTERVAL_MS, maxPerConnection: PER_CONNECTION, maxTotal: SUBSCRIBERS + 10 }, databases: [{ name: 'live', url }] }, {});
  const gateway = createGateway(config, { anonymous: { name: 'bench', role: 'reader' } });
  await gateway.start();
  const child = fork(path.resolve('bench/live-clients.ts'), { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  try {
    const plan: ClientPlan = { url: `${gateway.url.replace('http', 'ws')}/graphql`, perConnection: PER_CONNECTION, subscriptions: [] };
    const covers: number[][] = [];
    for (let i = 0; i < SUBSCRIBERS; i++) {
      const shape = SHAPES[i % SHAPES.length];
      const k = 1 + (Math.floor(i / SHAPES.length) % VARIABLE_SETS);
      plan.subscriptions.push({ query: shape.query, variables: shape.variables(k) });
      covers.push(shape.rows(k));
    }
    const mem = (label: string) => {
      (globalThis as { gc?: () => void }).gc?.();
      const m = process.memoryUsage();
      if (process.env.LIVE_MEMORY) log(`${label}: rss ${Math.round(m.rss / 1048576)} MB, heap ${Math.round(m.heapUsed / 1048576)} of ${Math.round(m.heapTotal / 1048576)} MB, external ${Math.round(m.external / 1048576)} MB`);
    };
    mem('before subscribing');
    const ready = new Promise<void>((resolve) => child.on('message', (m: { type: string }) => m.type === 'ready' && resolve()));
    const opening = performance.now();
    child.send(plan);
    await ready;
    log(`${SUBSCRIBERS} live queries open, every first result in ${Math.round(performance.now() - opening)} ms`);
    mem('open');

    const refreshes: LiveStats['last'][] = [];
    const off = gateway.live.onRefresh((s) => void refreshes.push(s));
    const cpu0 = process.cpuUsage();
    const stats0 = gateway.live.stats();
    let rss = process.memoryUsage().rss;
    const sampler = setInterval(() => (rss = Math.max(rss, process.memoryUsage().rss)), 100);
    const commits: { row: number; value: number; at: number }[] = [];
    const values = new Map<number, number>();
    const started = performance.now();
    const rows = VARIABLE_SETS * ROWS_PER_SENSOR;
    for (let n = 0; performance.now() - started < DURATION_SEC * 1000; n++) {
      const due = started + (n * 1000) / WRITES_PER_SEC;
      if (due > performance.now()) await new Promise((r) => setTimeout(r, due - performance.now()));
      const row = 1 + Math.floor(Math.random() * rows);
      const value = (values.get(row) ?? 0) + 1;
      values.set(row, value);
      await sql.query('UPDATE readings SET value = $2 WHERE id = $1', [row, value]);
      commits.push({ row, value, at: now() });
    }
    // The last changes need a refresh or two to arrive.
    await new Promise((r) => setTimeout(r, INTERVAL_MS * 2 + 500));
    const elapsed = (performance.now() - started) / 1000;
    clearInterval(sampler);
    mem('after the run');
    off();
    const cpu = process.cpuUsage(cpu0);
    const stats1 = gateway.live.stats();
    const report = await new Promise<{ arrivals: Arrival[]; errors: number; connections: number }>((resolve) => {
      child.on('message', (m: { type: string; arrivals: Arrival[]; errors: number; connections: number }) => m.type === 'report' && resolve(m));
      child.send({ type: 'report' });
    });

    // First arrival of each (subscription, row, value); a later value counts for an earlier one (coalesced).
    const byRow = new Map<number, Map<number, [number, number][]>>();
    for (const [sub, row, value, at] of report.arrivals) {
      let subs = byRow.get(row);
      if (!subs) byRow.set(row, (subs = new Map()));
      let list = subs.get(sub);
      if (!list) subs.set(sub, (list = []));
      list.push([value, at]);
    }
    const coveringSubs = new Map<number, number[]>();
    covers.forEach((rowsCovered, sub) => rowsCovered.forEach((r) => (coveringSubs.get(r) ?? coveringSubs.set(r, []).get(r)!).push(sub)));
    const latencies: number[] = [];
    let missed = 0;
    for (const c of commits) {
      for (const sub of coveringSubs.get(c.row) ?? []) {
        const arrived = byRow.get(c.row)?.get(sub)?.find(([value]) => value >= c.value);
        if (!arrived) missed++;
        else latencies.push(Math.max(0, arrived[1] - c.at));
      }
    }
    latencies.sort((a, b) => a - b);
    const refreshCount = refreshes.length;
    const statements = stats1.statements - stats0.statements;
    const batches = refreshes.map((r) => r.cohorts * Math.max(1, Math.ceil(r.members / r.cohorts / config.live.batchSize)));
    const result = {
      startedAt: new Date().toISOString(),
      node: process.version,
      cpus: availableParallelism(),
      settings: { subscribers: SUBSCRIBERS, shapes: SHAPES.length, variableSets: VARIABLE_SETS, intervalMs: INTERVAL_MS, writesPerSec: WRITES_PER_SEC, durationSec: DURATION_SEC, connections: report.connections },
      refreshes: refreshCount,
      cohorts: Math.max(...refreshes.map((r) => r.cohorts)),
      membersPerRefresh: Math.max(...refreshes.map((r) => r.members)),
      statementsPerRefresh: { min: Math.min(...refreshes.map((r) => r.statements)), max: Math.max(...refreshes.map((r) => r.statements)), cohortBatches: Math.max(...batches) },
      statementsPerSec: Number((statements / elapsed).toFixed(2)),
      gatewayCpuPercent: Number((((cpu.user + cpu.system) / 1e6 / elapsed) * 100).toFixed(1)),
      gatewayRssMb: Math.round(rss / 1024 / 1024),
      commits: commits.length,
      deliveries: latencies.length,
      missed,
      errors: report.errors,
      latencyMs: { p50: Math.round(percentile(latencies, 50)), p99: Math.round(percentile(latencies, 99)), max: Math.round(latencies.at(-1) ?? NaN) },
      refreshMs: { p50: percentile(refreshes.map((r) => r.durationMs).sort((a, b) => a - b), 50), max: Math.max(...refreshes.map((r) => r.durationMs)) },
    };
    const table = [
      ['subscribers', `${SUBSCRIBERS} over ${SHAPES.length} shapes × ${VARIABLE_SETS} variable sets, ${report.connections} sockets`],
      ['interval', `${INTERVAL_MS} ms; writer ${WRITES_PER_SEC} rows/s for ${DURATION_SEC} s (${commits.length} commits)`],
      ['cohorts', `${result.cohorts} (members per refresh ${result.membersPerRefresh})`],
      ['statements per refresh', `${result.statementsPerRefresh.min}–${result.statementsPerRefresh.max} (cohort batches ${result.statementsPerRefresh.cohortBatches})`],
      ['statements per second', String(result.statementsPerSec)],
      ['gateway CPU', `${result.gatewayCpuPercent} % of one core`],
      ['gateway RSS (max)', `${result.gatewayRssMb} MB`],
      ['commit → client', `p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms, max ${result.latencyMs.max} ms (${latencies.length} deliveries)`],
      ['missed changes', `${missed}${report.errors ? `, ${report.errors} error results` : ''}`],
      ['refresh (statement + executions)', `p50 ${result.refreshMs.p50} ms, max ${result.refreshMs.max} ms`],
    ];
    console.log(`\n| measure | value |\n| --- | --- |\n${table.map(([k, v]) => `| ${k} | ${v} |`).join('\n')}\n`);
    await mkdir(path.resolve('bench', 'results'), { recursive: true });
    await writeFile(path.resolve('bench', 'results', 'live-latest.json'), JSON.stringify(result, null, 2));
    log('results written to bench/results/live-latest.json');
  } finally {
    child.send({ type: 'stop' });
    await gateway.stop();
    await sql.end();
    await cluster.stop().catch(() => {});
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
