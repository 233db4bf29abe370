import { availableParallelism } from 'node:os';
import path from 'node:path';
import { freePort } from '../src/embedded/index.js';
import { BENCH_DATABASES, startBenchCluster, type BenchCluster } from './bench-cluster.js';
import { startBaselineServer, type BaselineServer } from './baseline-server.js';
import { mainThreadCpuMs, postgresCpuMs, processCpuMs, sampleMax } from './cpu.js';
import { rssMb, startGatewayChild, type GatewayChild } from './gateway-child.js';
import { measure, warmUp, type LoadSettings, type LoadTarget } from './load.js';
import { compareCrossDatabase, formatReport, writeReport, type BenchReport, type SideResult } from './report.js';
import { CROSS_DATABASE_PAIR, SCENARIOS, type BenchRelationship, type Scenario } from './scenarios.js';
import { measureSerial } from './serial.js';
import { assertSameData } from './verify.js';

/** Pool size of every database, on both sides. */
const POOL_MAX = 10;

const SETTINGS: LoadSettings = {
  connections: Number(process.env.BENCH_CONNECTIONS ?? 16),
  durationSec: Number(process.env.BENCH_DURATION ?? 5),
  warmupSec: Number(process.env.BENCH_WARMUP ?? 1),
  workers: 1,
};

const SERIAL_REQUESTS = Number(process.env.BENCH_SERIAL ?? 100);

/** BENCH_SCENARIOS=list-scalars,view-100 runs only those (e.g. to profile one). */
function selectedScenarios(): readonly Scenario[] {
  const wanted = process.env.BENCH_SCENARIOS?.split(',').map((s) => s.trim()).filter(Boolean);
  if (!wanted?.length) return SCENARIOS;
  const unknown = wanted.filter((name) => !SCENARIOS.some((s) => s.name === name));
  if (unknown.length) throw new Error(`[bench] unknown scenario(s) ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.name).join(', ')}`);
  return SCENARIOS.filter((s) => wanted.includes(s.name));
}

/** The relationships every selected scenario needs, once each. */
function relationshipsOf(scenarios: readonly Scenario[]): BenchRelationship[] {
  const byName = new Map<string, BenchRelationship>();
  for (const r of scenarios.flatMap((s) => s.relationships ?? [])) byName.set(`${r.from.database}.${r.from.table}.${r.name}`, r);
  return [...byName.values()];
}

const log = (line: string) => console.log(`[bench] ${line}`);

/** BENCH_SIDES=gateway measures only the gateway (for profiles); the default is both. */
const SIDES = (process.env.BENCH_SIDES ?? 'gateway,raw').split(',');

/**
 * Serial pass first (quiet machine), then warm-up and the measured run under load, with the CPU
 * this process's main thread and PostgreSQL spent meanwhile, and the process's largest RSS.
 */
async function measureSide(name: string, target: LoadTarget, cluster: BenchCluster, server: { cpuMs(): number; rssMb(): number }): Promise<SideResult> {
  const serial = await measureSerial(target, SERIAL_REQUESTS, cluster.urls.engineer);
  await warmUp(target, SETTINGS);
  const node = server.cpuMs();
  const postgres = postgresCpuMs(cluster.dataDir);
  const rss = sampleMax(server.rssMb);
  const load = await measure(name, target, SETTINGS);
  const cpu = { nodeMsPerRequest: (server.cpuMs() - node) / load.requests, postgresMsPerRequest: (postgresCpuMs(cluster.dataDir) - postgres) / load.requests };
  return { ...load, serial, cpu, maxRssMb: rss() };
}

/** The baseline runs in this process: its main thread's CPU (autocannon has its own thread) and the process's RSS. */
const baselineProcess = { cpuMs: mainThreadCpuMs, rssMb: () => process.memoryUsage.rss() / (1024 * 1024) };

const skipped: SideResult = {
  requestsPerSec: NaN, p50Ms: NaN, p99Ms: NaN, requests: 0, errors: 0, non2xx: 0, maxRssMb: NaN,
  serial: { msPerRequest: NaN, sqlMsPerRequest: NaN, statementsPerRequest: NaN },
  cpu: { nodeMsPerRequest: NaN, postgresMsPerRequest: NaN },
};

async function bench(cluster: BenchCluster, gateway: GatewayChild, baseline: BaselineServer, scenarios: readonly Scenario[]): Promise<BenchReport> {
  const report: BenchReport = {
    startedAt: new Date().toISOString(),
    node: process.version,
    cpus: availableParallelism(),
    nodeEnv: process.env.NODE_ENV ?? null,
    settings: SETTINGS,
    serialRequests: SERIAL_REQUESTS,
    results: [],
  };
  const targets = scenarios.map((scenario) => {
    const body = JSON.stringify({ query: scenario.query, variables: scenario.variables ?? {} });
    return { scenario, gateway: { url: `${gateway.url}/graphql`, body }, raw: { url: `${baseline.url}/${scenario.name}`, body } };
  });
  // Every scenario is checked before any is measured: a wrong comparison fails fast.
  for (const t of targets) await assertSameData(t.scenario.name, t.gateway, t.raw);
  log(`all ${targets.length} scenarios return the same data on both sides`);
  for (const { scenario, gateway: g, raw: r } of targets) {
    const gatewayProcess = { cpuMs: () => processCpuMs(gateway.pid), rssMb: () => rssMb(gateway.pid) };
    const gatewaySide = SIDES.includes('gateway') ? await measureSide(`${scenario.name}:gateway`, g, cluster, gatewayProcess) : skipped;
    const rawSide = SIDES.includes('raw') ? await measureSide(`${scenario.name}:raw`, r, cluster, baselineProcess) : skipped;
    const ratio = gatewaySide.requestsPerSec / rawSide.requestsPerSec;
    report.results.push({ scenario: scenario.name, description: scenario.description, gateway: gatewaySide, raw: rawSide, ratio });
    log(`${scenario.name}: gateway ${gatewaySide.requestsPerSec.toFixed(0)} req/s, raw ${rawSide.requestsPerSec.toFixed(0)} req/s`);
  }
  report.crossDatabase = compareCrossDatabase(report.results, CROSS_DATABASE_PAIR);
  return report;
}

async function main(): Promise<void> {
  const started = performance.now();
  const scenarios = selectedScenarios();
  const cluster = await startBenchCluster(log);
  let gateway: GatewayChild | undefined;
  let baseline: BaselineServer | undefined;
  try {
    gateway = await startGatewayChild({
      port: await freePort(),
      logLevel: 'silent',
      probeIntervalMs: 60_000,
      databases: BENCH_DATABASES.map((name) => ({ name, url: cluster.urls[name], pool: { max: POOL_MAX } })),
      relationships: relationshipsOf(scenarios),
    });
    baseline = await startBaselineServer(cluster.urls, scenarios, POOL_MAX);
    log(`gateway ${gateway.url}, baseline ${baseline.url}`);

    const report = await bench(cluster, gateway, baseline, scenarios);
    console.log(`\n${formatReport(report)}\n`);
    log(`results written to ${path.relative(process.cwd(), await writeReport(report, path.resolve('bench', 'results')))}`);
  } finally {
    await gateway?.stop();
    await baseline?.stop();
    await cluster.stop();
    log(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
