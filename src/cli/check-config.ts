import { ConnectionRegistry } from '../connections/index.js';
import { loadConfigFile, parseConfig, type DatabaseConfig } from '../config/index.js';
import { flag, parseArgs } from './args.js';

export const CHECK_CONFIG_HELP = `usage: switchyard check-config [--config <file>]

Validates a config file (every key path at fault is named), then connects to each database
(and the control database) once and prints its status, server version and latency, or the
error with a hint. Exit code 0 when everything is reachable, 1 when a database is not,
2 when the file itself is invalid.

  --config, -c <file>  The file to check (also SWITCHYARD_CONFIG).`;

/** What one database's check found. */
export interface DatabaseCheck {
  name: string;
  status: string;
  serverVersion: string | null;
  latencyMs: number | null;
  error: string | null;
  hint: string | null;
}

/** Connects to each database once (no probing loop) and reports. Never logs credentials. */
export async function checkDatabases(databases: readonly DatabaseConfig[]): Promise<DatabaseCheck[]> {
  const registry = new ConnectionRegistry();
  try {
    const connections = await Promise.all(databases.map((d) => registry.add(d)));
    return connections.map((c) => ({
      name: c.name,
      status: c.status,
      serverVersion: c.serverVersion,
      latencyMs: c.latencyMs,
      // The hint is printed on its own line.
      error: c.error && c.hint ? c.error.replace(` (hint: ${c.hint})`, '') : c.error,
      hint: c.error ? c.hint : null,
    }));
  } finally {
    await registry.close();
  }
}

/** `switchyard check-config`: returns the exit code. */
export async function checkConfigCommand(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, ['config', 'c']);
  const file = flag(args, 'config') ?? flag(args, 'c') ?? (process.env.SWITCHYARD_CONFIG || undefined);
  if (!file) throw new Error('check-config needs a file: --config <file> (or SWITCHYARD_CONFIG)');
  const config = loadConfigFile(file);
  const out = process.stdout;
  out.write(`${file}: valid (${config.databases.length} database${config.databases.length === 1 ? '' : 's'}, ${config.relationships.length} relationship${config.relationships.length === 1 ? '' : 's'}${config.control ? ', control database' : ''})\n`);
  const control = config.control ? parseConfig({ databases: [{ name: 'control', url: config.control.url }] }, {}).databases : [];
  const checks = await checkDatabases([...config.databases, ...control]);
  const width = Math.max(8, ...checks.map((c) => c.name.length));
  for (const c of checks) {
    const facts = c.status === 'DOWN' ? '' : `  PostgreSQL ${c.serverVersion ?? '?'}  ${c.latencyMs?.toFixed(1) ?? '?'} ms`;
    out.write(`  ${c.name.padEnd(width)}  ${c.status.padEnd(8)}${facts}\n`);
    if (c.error) out.write(`  ${' '.repeat(width)}  error: ${c.error}\n`);
    if (c.hint) out.write(`  ${' '.repeat(width)}  hint: ${c.hint}\n`);
  }
  const down = checks.filter((c) => c.status === 'DOWN');
  out.write(down.length ? `${down.length} of ${checks.length} unreachable\n` : `all ${checks.length} reachable\n`);
  return down.length ? 1 : 0;
}
