import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { LoadResult, LoadSettings } from './load.js';
import type { SerialResult } from './serial.js';

/** One side of a scenario: numbers under load, and one request at a time. */
export interface SideResult extends LoadResult {
  serial: SerialResult;
  /** CPU per request under load: the side's server (gateway: its whole process; baseline: the bench's main thread) and PostgreSQL, ms. */
  cpu: { nodeMsPerRequest: number; postgresMsPerRequest: number };
  /** Largest RSS of the side's server process under load, MB (the baseline shares the bench process with the load generator). */
  maxRssMb: number;
}

export interface ScenarioResult {
  scenario: string;
  description: string;
  gateway: SideResult;
  raw: SideResult;
  /** gateway req/s ÷ raw req/s. */
  ratio: number;
}

/** The same 100-directives-with-project shape across two databases and inside one, both through the gateway. */
export interface CrossDatabaseComparison {
  crossScenario: string;
  sameScenario: string;
  crossRequestsPerSec: number;
  sameRequestsPerSec: number;
  /** cross req/s ÷ same req/s. */
  ratio: number;
  /** The product's floor for `ratio`. */
  target: number;
  meetsTarget: boolean;
  /** From the serial pass: statements on all bench databases per gateway request. */
  crossStatementsPerRequest: number;
  sameStatementsPerRequest: number;
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
  /** Present when both scenarios of the pair ran. */
  crossDatabase?: CrossDatabaseComparison;
}

/** The cross-database row, or undefined unless both scenarios are in `results`. */
export function compareCrossDatabase(results: readonly ScenarioResult[], pair: { cross: string; same: string; target: number }): CrossDatabaseComparison | undefined {
  const cross = results.find((r) => r.scenario === pair.cross)?.gateway;
  const same = results.find((r) => r.scenario === pair.same)?.gateway;
  if (!cross || !same) return undefined;
  const ratio = cross.requestsPerSec / same.requestsPerSec;
  return {
    crossScenario: pair.cross,
    sameScenario: pair.same,
    crossRequestsPerSec: cross.requestsPerSec,
    sameRequestsPerSec: same.requestsPerSec,
    ratio,
    target: pair.target,
    meetsTarget: ratio >= pair.target,
    crossStatementsPerRequest: cross.serial.statementsPerRequest,
    sameStatementsPerRequest: same.serial.statementsPerRequest,
  };
}

const fixed = (n: number, digits: number) => n.toFixed(digits);

/** A text table; the first `labelColumns` columns are left-aligned, the rest (numbers) right-aligned. */
function table(rows: string[][], labelColumns = 1): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((cell, i) => (i < labelColumns ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join(' | ');
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
  const cpu = table([
    ['scenario', 'gateway node ms/req', 'raw node ms/req', 'gateway pg ms/req', 'raw pg ms/req', 'RSS under gateway load MB'],
    ...report.results.map(({ scenario, gateway: g, raw: r }) => [
      scenario,
      fixed(g.cpu.nodeMsPerRequest, 3),
      fixed(r.cpu.nodeMsPerRequest, 3),
      fixed(g.cpu.postgresMsPerRequest, 3),
      fixed(r.cpu.postgresMsPerRequest, 3),
      fixed(g.maxRssMb, 0),
    ]),
  ]);
  const c = report.crossDatabase;
  const cross = c && [
    '',
    `Cross-database vs single-database (gateway; target: ratio >= ${fixed(c.target, 2)}, ${c.meetsTarget ? 'met' : 'NOT met'}):`,
    table([
      [`${c.crossScenario} req/s`, `${c.sameScenario} req/s`, 'ratio cross/same', `${c.crossScenario} stmts/req`, `${c.sameScenario} stmts/req`],
      [
        fixed(c.crossRequestsPerSec, 0),
        fixed(c.sameRequestsPerSec, 0),
        fixed(c.ratio, 2),
        fixed(c.crossStatementsPerRequest, 2),
        fixed(c.sameStatementsPerRequest, 2),
      ],
    ], 0),
  ];
  return [
    `Under load: ${connections} connections, ${warmupSec} s warm-up + ${durationSec} s measured per side (node ${report.node}, NODE_ENV=${report.nodeEnv ?? '(unset)'}, ${report.cpus} CPUs)`,
    '',
    main,
    '',
    'CPU time per request under load (gateway: its own process; raw: the bench process\'s main thread; pg: every PostgreSQL process):',
    cpu,
    '',
    `One request at a time (${report.serialRequests} per side; SQL time from pg_stat_statements):`,
    serial,
    ...(cross ?? []),
  ].join('\n');
}

/** Writes the report as JSON; returns the file's path. */
export async function writeReport(report: BenchReport, dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, 'latest.json');
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}
