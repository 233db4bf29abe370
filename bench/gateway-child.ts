import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

/** The gateway's process as the bench sees it. */
export interface GatewayChild {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * Starts bench/gateway-process.ts with `config` (a config document) and waits for its URL.
 * BENCH_GATEWAY_NODE_ARGS adds node flags (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`).
 */
export async function startGatewayChild(config: Record<string, unknown>): Promise<GatewayChild> {
  const extra = process.env.BENCH_GATEWAY_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child: ChildProcess = spawn(process.execPath, [...extra, '--import', 'tsx', 'bench/gateway-process.ts'], {
    env: { ...process.env, BENCH_GATEWAY_CONFIG: JSON.stringify(config) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => line.startsWith('LISTENING ') && resolve(line.slice('LISTENING '.length)));
    child.once('exit', (code) => reject(new Error(`[bench] the gateway process exited (${code}) before listening`)));
  });
  return {
    url,
    pid: child.pid!,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
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
