import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { waitFor } from './gateway.js';

/** A gateway running as its own process (`tsx src/main.ts --config …`), in its own process group. */
export interface GatewayProcess {
  url: string;
  child: ChildProcess;
  /** Everything it printed so far (pino JSON lines and stderr). */
  output(): string;
  /** SIGKILL to the whole group (tsx and node): no shutdown hook runs. */
  kill9(): void;
  /** SIGTERM to the group, then SIGKILL if it has not exited within 5 s. */
  stop(): Promise<void>;
}

/** A port the OS says is free right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * Writes `config` as a JSON config file in `dir` and starts a gateway process on it, resolving once
 * /health answers. The caller owns the process: `stop()` (or `kill9()`) it in afterAll.
 */
export async function startGatewayProcess(dir: string, name: string, config: Record<string, unknown>, env: Record<string, string>): Promise<GatewayProcess> {
  const port = await freePort();
  const file = path.join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify({ ...config, port }));
  const tsx = path.resolve('node_modules/.bin/tsx');
  const child = spawn(tsx, ['src/main.ts', '--config', file], { detached: true, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (chunk) => (out += chunk));
  child.stderr!.on('data', (chunk) => (out += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, sig);
    } catch {
      // NOTE: already gone.
    }
  };
  const url = `http://127.0.0.1:${port}`;
  const running: GatewayProcess = {
    url,
    child,
    output: () => out,
    kill9: () => signal('SIGKILL'),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      signal('SIGTERM');
      const timer = setTimeout(() => signal('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
  try {
    await waitFor(async () => {
      if (child.exitCode !== null) throw new Error(`gateway ${name} exited: ${out.slice(-2000)}`);
      return (await fetch(`${url}/health`)).ok;
    }, 30_000, 100);
  } catch (error) {
    await running.stop();
    throw new Error(`${(error as Error).message}\n${out.slice(-2000)}`);
  }
  return running;
}
