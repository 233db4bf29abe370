import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { LoadResult, LoadSettings } from './load.js';
import type { SerialResult } from './serial.js';

/** One side of a scenario: numbers under load, and one request at a time. */
export interface SideResult extends LoadResult {
  serial: SerialResult;
}

export interface ScenarioResult {
  scenario: string;
  description: string;
  gateway: SideResult;
  raw: SideResult;
  /** gateway req/s ÷ raw req/s. */
  ratio: number;
}

export interface BenchReport {
  startedAt: string;
  node: string;
  cpus: number;
  /** NOTE: graphql-js checks instanceOf more slowly unless NODE_ENV=production, so runs only compare with the same value. */
  nodeEnv: string | null;
  settings: LoadSettings;
  /** Requests per side in the one-at-a-time pass. */
  serialRequests: number;
  results: ScenarioResult[];
}

const fixed = (n: number, digits: number) => n.toFixed(digits);

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join(' | ');
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.slice(1).map(line)].join('\n');
}

/** The comparison table printed at the end of a run. */
export function formatReport(report: BenchReport): string {
  const { connections, durationSec, warmupSec } = report.settings;
  const main = table([
    ['scenario', 'gateway req/s', 'raw req/s', 'ratio', 'gateway p50/p99 ms', 'raw p50/p99 ms'],
    ...report.results.map((r) => [
      r.scenario,
      fixed(r.gateway.requestsPerSec, 0),
      fixed(r.raw.requestsPerSec, 0),
      fixed(r.ratio, 2),
      `${r.gateway.p50Ms}/${r.gateway.p99Ms}`,
      `${r.raw.p50Ms}/${r.raw.p99Ms}`,
    ]),
  ]);
  const serial = table([
    ['scenario', 'gateway ms/req', 'raw ms/req', 'gateway SQL ms/req', 'raw SQL ms/req', 'gateway stmts/req', 'raw stmts/req'],
    ...report.results.map(({ scenario, gateway: { serial: g }, raw: { serial: r } }) => [
      scenario,
      fixed(g.msPerRequest, 2),
      fixed(r.msPerRequest, 2),
      fixed(g.sqlMsPerRequest, 2),
      fixed(r.sqlMsPerRequest, 2),
      fixed(g.statementsPerRequest, 2),
      fixed(r.statementsPerRequest, 2),
    ]),
  ]);
  return [
    `Under load: ${connections} connections, ${warmupSec} s warm-up + ${durationSec} s measured per side (node ${report.node}, NODE_ENV=${report.nodeEnv ?? '(unset)'}, ${report.cpus} CPUs)`,
    '',
    main,
    '',
    `One request at a time (${report.serialRequests} per side; SQL time from pg_stat_statements):`,
    serial,
  ].join('\n');
}

/** Writes the report as JSON; returns the file's path. */
export async function writeReport(report: BenchReport, dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, 'latest.json');
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}
