import { writeFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { printSchema } from 'graphql';
import { startDemo } from './demo.js';
import { createGateway } from './server/index.js';

/** Header of every generated schema file. */
export const SCHEMA_HEADER = '# generated — do not edit; regenerate with: npm run schema:print\n';

/** The printed SDL of the demo databases, from a throwaway embedded cluster. */
export async function printDemoSchema(): Promise<string> {
  const stateDir = await mkdtemp(path.join(tmpdir(), 'switchyard-schema-'));
  // NOTE: the server runs as the `postgres` user, which must be able to reach its data directory.
  await chmod(stateDir, 0o755);
  const { config, cluster } = await startDemo({ stateDir, persistent: false, pgPort: 0 });
  const gateway = createGateway({ ...config, logLevel: 'silent' });
  try {
    await Promise.all(config.databases.map((d) => gateway.registry.add(d)));
    await gateway.schemas.reload();
    return SCHEMA_HEADER + printSchema(gateway.schemas.schema) + '\n';
  } finally {
    await gateway.registry.close();
    await cluster.stop();
    await rm(stateDir, { recursive: true, force: true });
  }
}

async function cli(): Promise<void> {
  const [command] = process.argv.slice(2);
  if (command === 'print-schema') {
    writeFileSync('schema/schema.graphql', await printDemoSchema());
    process.stdout.write('wrote schema/schema.graphql\n');
    return;
  }
  process.stderr.write('usage: tsx src/cli.ts print-schema\n');
  process.exitCode = 2;
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  cli().then(() => process.exit(process.exitCode ?? 0), (error: unknown) => {
    process.stderr.write(`switchyard: ${(error as Error).message}\n`);
    process.exit(1);
  });
}
