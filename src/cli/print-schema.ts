import { writeFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { printSchema } from 'graphql';
import { loadConfigFile, type GatewayConfig } from '../config/index.js';
import { startDemo } from '../demo.js';
import { createGateway } from '../server/index.js';
import { flag, parseArgs } from './args.js';

/** Header of every generated schema file. */
export const SCHEMA_HEADER = '# generated — do not edit; regenerate with: npm run schema:print\n';

export const PRINT_SCHEMA_HELP = `usage: switchyard print-schema [--config <file>] [--out <file>]

Prints the GraphQL schema (SDL) the gateway would serve.

  --config, -c <file>  Databases to read (also SWITCHYARD_CONFIG). Without one, a throwaway
                       embedded PostgreSQL with the demo databases is started and removed.
  --out <file>         Write to a file instead of standard output.`;

/** The printed SDL of `config`'s databases (their catalogs read now). */
async function printConfigSchema(config: GatewayConfig): Promise<string> {
  const gateway = createGateway({ ...config, logLevel: 'silent' });
  try {
    await Promise.all(config.databases.map((d) => gateway.registry.add(d)));
    await gateway.schemas.reload();
    return SCHEMA_HEADER + printSchema(gateway.schemas.schema) + '\n';
  } finally {
    await gateway.registry.close();
  }
}

/** The printed SDL of the demo databases, from a throwaway embedded cluster. */
export async function printDemoSchema(): Promise<string> {
  const stateDir = await mkdtemp(path.join(tmpdir(), 'switchyard-schema-'));
  // NOTE: the server runs as the `postgres` user, which must be able to reach its data directory.
  await chmod(stateDir, 0o755);
  const { config, cluster } = await startDemo({ stateDir, persistent: false, pgPort: 0 });
  try {
    return await printConfigSchema(config);
  } finally {
    await cluster.stop();
    await rm(stateDir, { recursive: true, force: true });
  }
}

/** `switchyard print-schema`. */
export async function printSchemaCommand(argv: readonly string[]): Promise<void> {
  const args = parseArgs(argv, ['config', 'c', 'out']);
  const configPath = flag(args, 'config') ?? flag(args, 'c') ?? (process.env.SWITCHYARD_CONFIG || undefined);
  const sdl = configPath ? await printConfigSchema(loadConfigFile(configPath)) : await printDemoSchema();
  const out = flag(args, 'out');
  if (!out) return void process.stdout.write(sdl);
  writeFileSync(out, sdl);
  process.stderr.write(`wrote ${out}\n`);
}
