import { ConfigError } from '../config/index.js';
import { CHECK_CONFIG_HELP, checkConfigCommand } from './check-config.js';
import { MIGRATE_HELP, migrateCommand } from './migrate.js';
import { PRINT_SCHEMA_HELP, printSchemaCommand } from './print-schema.js';
import { START_HELP, startCommand } from './start.js';

export { SCHEMA_HEADER, printDemoSchema } from './print-schema.js';
export { startCommand } from './start.js';

const HELP = `usage: switchyard <command> [options]

One GraphQL endpoint over many PostgreSQL databases.

commands:
  start          serve GraphQL, GraphiQL, the console (/console), /health and /metrics
  migrate        run migrations with progress bars (the same events as the subscription)
  print-schema   print the GraphQL schema the gateway would serve
  check-config   validate a config file and test each connection, with hints

Run "switchyard <command> --help" for a command's options.`;

/** Each command: its help text and what it runs (returning the exit code, or undefined to keep running). */
const COMMANDS: Record<string, { help: string; run: (argv: readonly string[]) => Promise<number | void> }> = {
  start: { help: START_HELP, run: startCommand },
  migrate: { help: MIGRATE_HELP, run: migrateCommand },
  'print-schema': { help: PRINT_SCHEMA_HELP, run: printSchemaCommand },
  'check-config': { help: CHECK_CONFIG_HELP, run: checkConfigCommand },
};

/**
 * Runs `switchyard <argv>`. Returns the exit code for commands that finish; `start` resolves
 * once listening and returns undefined (the process lives on). Usage errors exit 2 with the
 * command's usage; config errors exit 2 in one line; other failures throw to the caller.
 */
export async function runCli(argv: readonly string[]): Promise<number | undefined> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${HELP}\n`);
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`switchyard: unknown command "${name}"\n\n${HELP}\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${command.help}\n`);
    return 0;
  }
  try {
    const code = await command.run(rest);
    return typeof code === 'number' ? code : undefined;
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`switchyard: ${error.message}\n`);
      return 2;
    }
    const message = (error as Error)?.message ?? String(error);
    if (/^(unknown option|--\S+ (needs|must)|\S+ needs a|--down and --count)/.test(message)) {
      process.stderr.write(`switchyard ${name}: ${message}\n\n${command.help}\n`);
      return 2;
    }
    throw error;
  }
}
