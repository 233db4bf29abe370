import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** The gateway's process as the bench sees it. */
export interface GatewayChild {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** The compiled CLI `npm start` runs (`npm run build` makes it). */
const BIN = path.resolve('dist', 'cli', 'bin.js');

/** The node flags of package.json's `start` script (`node <flags> dist/cli/bin.js start`), so the bench runs what users run. */
function startFlags(): string[] {
  const { scripts } = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
  const flags = /\bnode ((?:--\S+ )*)dist\/cli\/bin\.js start/.exec(scripts.start)?.[1];
  if (flags === undefined) throw new Error('[bench] package.json\'s start script does not run `node [flags] dist/cli/bin.js start`');
  return flags.split(' ').filter(Boolean);
}

/**
 * Starts the gateway as `npm start` runs it, `node <start flags> dist/cli/bin.js start --config
 * <file>` with NODE_ENV=production, with `config` (a config document that sets `port`) written to a
 * temporary JSON file; anonymous requests get the admin role. Resolves once /health answers.
 * BENCH_GATEWAY_NODE_ARGS adds node flags (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`).
 */
export async function startGatewayChild(config: Record<string, unknown> & { port: number }): Promise<GatewayChild> {
  if (!existsSync(BIN)) throw new Error(`[bench] ${path.relative(process.cwd(), BIN)} is missing: run \`npm run build\` first (npm run bench does)`);
  const dir = await mkdtemp(path.join(tmpdir(), 'switchyard-bench-'));
  const file = path.join(dir, 'config.json');
  await writeFile(file, JSON.stringify({ ...config, auth: { anonymousRole: 'admin' } }));
  const extra = process.env.BENCH_GATEWAY_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child: ChildProcess = spawn(process.execPath, [...startFlags(), ...extra, BIN, 'start', '--config', file], {
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code, signal) => reject(new Error(`[bench] the gateway process exited (${code ?? signal}) before it served`))),
  );
  exited.catch(() => {});
  const url = `http://127.0.0.1:${config.port}`;
  await Promise.race([untilHealthy(url), exited]);
  return {
    url,
    pid: child.pid!,
    stop: () =>
      new Promise<void>((resolve) => {
        const done = () => void rm(dir, { recursive: true, force: true }).then(() => resolve());
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.once('exit', done);
        child.kill('SIGTERM');
      }),
  };
}

async function untilHealthy(url: string): Promise<void> {
  for (const started = Date.now(); Date.now() - started < 60_000; await new Promise((r) => setTimeout(r, 100))) {
    try {
      if ((await fetch(`${url}/health`)).ok) return;
    } catch {
      // not listening yet
    }
  }
  throw new Error(`[bench] the gateway at ${url} did not become healthy within 60 s`);
}

/** Resident set size of a process, MB (VmRSS of /proc/<pid>/status); 0 when unreadable. */
export function rssMb(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}
