/**
 * Measures, once and by hand, the gateway under the nested burst of issue #12 item 3: 20
 * concurrent readers each asking four nested levels at limit 1000, then 20 readers each at the
 * row budget (the largest answer still allowed). Reports the gateway process's peak RSS (VmHWM)
 * and /health latency while the burst runs. Not part of `npm test` or `npm run bench`.
 *
 *     npx tsx bench/nested-burst.ts
 *
 * BURST_TRACE=1 prints the gateway's event-loop delay and GC pauses each second; BURST_PROFILE=1
 * writes a CPU profile of the gateway to /tmp/burst-prof.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { chmod, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { parseConfig } from '../src/config/index.js';
import { startEmbeddedCluster } from '../src/embedded/index.js';
import { createGateway } from '../src/server/index.js';
import { BURST_SCHEMA_SQL } from './burst-schema.js';

const READERS = 20;
const BURSTS = {
  'nested 4 × limit 1000': `{ burst { l1(limit: 1000) { id l2(limit: 1000) { id note l3(limit: 1000) { id l4(limit: 1000) { id } } } } } }`,
  'at budget (1000 + 1000 × 49 rows)': `{ burst { l1(limit: 1000) { id l2(limit: 49) { id note } } } }`,
};

/** Child mode: one gateway in its own process, so its RSS is its own; prints its URL. */
async function runGateway(): Promise<void> {
  const config = parseConfig({ databases: [{ name: 'burst', url: process.env.BURST_URL }], logLevel: 'silent', probeIntervalMs: 1000 }, {});
  config.port = 0;
  const gateway = createGateway(config, { anonymous: { name: 'anonymous', role: 'reader' } });
  await gateway.start();
  process.stdout.write(`${JSON.stringify({ url: gateway.url })}\n`);
  if (process.env.BURST_TRACE) {
    const { monitorEventLoopDelay, PerformanceObserver } = await import('node:perf_hooks');
    const h = monitorEventLoopDelay({ resolution: 10 });
    h.enable();
    const gcs: number[] = [];
    new PerformanceObserver((list) => list.getEntries().forEach((e) => gcs.push(Math.round(e.duration)))).observe({ entryTypes: ['gc'] });
    setInterval(() => {
      process.stderr.write(`loop max ${Math.round(h.max / 1e6)} ms p99 ${Math.round(h.percentile(99) / 1e6)}; gc>20ms ${gcs.filter((g) => g > 20).join(',')}\n`);
      h.reset();
      gcs.length = 0;
    }, 1000).unref();
  }
}

function peakRssMiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmHWM:'))!;
  return Math.round(Number(line.split(/\s+/)[1]) / 1024);
}

async function startChild(url: string): Promise<{ child: ChildProcess; gatewayUrl: string }> {
  const child = spawn(process.execPath, [...(process.env.BURST_PROFILE ? ['--cpu-prof', '--cpu-prof-dir=/tmp/burst-prof'] : []), '--import', 'tsx', import.meta.filename, 'gateway'], { env: { ...process.env, BURST_URL: url }, stdio: ['ignore', 'pipe', 'inherit'] });
  const first = await createInterface({ input: child.stdout! })[Symbol.asyncIterator]().next();
  return { child, gatewayUrl: JSON.parse(first.value as string).url };
}

const quantile = (values: number[], q: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))];

async function measure(gatewayUrl: string, pid: number, query: string) {
  let running = true;
  const health: { status: number; ms: number }[] = [];
  const poll = (async () => {
    while (running) {
      const started = performance.now();
      const res = await fetch(`${gatewayUrl}/health`);
      await res.arrayBuffer();
      health.push({ status: res.status, ms: performance.now() - started });
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  })();
  const started = performance.now();
  const answers = await Promise.all(
    Array.from({ length: READERS }, async () => {
      const res = await fetch(`${gatewayUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
      const text = await res.text();
      const body = JSON.parse(text);
      return { status: res.status, bytes: text.length, error: body.errors?.[0]?.extensions?.code as string | undefined };
    }),
  );
  const burstMs = Math.round(performance.now() - started);
  running = false;
  await poll;
  const ms = health.map((h) => h.ms);
  return {
    burstMs,
    answered: answers.filter((a) => !a.error && a.status === 200).length,
    refused: [...new Set(answers.filter((a) => a.error).map((a) => a.error))].join(',') || '-',
    bytesPerAnswer: Math.max(...answers.map((a) => a.bytes)),
    peakRssMiB: peakRssMiB(pid),
    healthProbes: health.length,
    healthNon200: health.filter((h) => h.status !== 200).length,
    healthP50Ms: Math.round(quantile(ms, 0.5)),
    healthMaxMs: Math.round(Math.max(...ms)),
  };
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'switchyard-burst-'));
  await chmod(dataDir, 0o755);
  const cluster = await startEmbeddedCluster({ dataDir, password: 'burst-pw', persistent: false, serverFlags: ['-c', 'fsync=off'] });
  try {
    await cluster.ensureDatabase('burst');
    const url = cluster.url('burst');
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(BURST_SCHEMA_SQL);
    await client.end();
    for (const [name, query] of Object.entries(BURSTS)) {
      const { child, gatewayUrl } = await startChild(url);
      try {
        // NOTE: one small request first, so lazy module loading is not counted as burst latency.
        await fetch(`${gatewayUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ burst { l1(limit: 1) { id } } }' }) });
        const idle = peakRssMiB(child.pid!);
        console.log(JSON.stringify({ burst: name, readers: READERS, idlePeakRssMiB: idle, ...(await measure(gatewayUrl, child.pid!, query)) }));
      } finally {
        child.kill('SIGTERM');
        await new Promise((resolve) => child.once('exit', resolve));
      }
    }
  } finally {
    await cluster.stop();
  }
}

if (process.argv[2] === 'gateway') await runGateway();
else await main();
