import { ConnectionRegistry } from '../connections/index.js';
import { ConfigError, loadConfigFile } from '../config/index.js';
import { EventBus, MigrationRunManager, type MigrationRunEvent } from '../ops/index.js';
import { flag, intFlag, parseArgs } from './args.js';
import { eventLine, progressOf, renderBars } from './progress.js';

export const MIGRATE_HELP = `usage: switchyard migrate [--config <file>] [--database <name>]... [--down <n> | --count <n>] [--dry-run]
                         [--parallel <n>] [--continue-on-error] [--json]

Runs the migrations of the configured databases (their migrationsDir) and shows a progress bar per
database and every event of the run — the same events the migrationProgress subscription streams
(docs/PROTOCOL.md), statement by statement, with lock waits and index builds.

  --config, -c <file>  The config file (also SWITCHYARD_CONFIG).
  --database, -d <name>  A database to migrate; repeat or separate with commas (default: all of the config's).
  --down <n>           Revert the last n applied migrations of each database instead of going up.
  --count <n>          Going up, apply at most n pending migrations per database (default: all).
  --dry-run            List what would run; apply nothing (takes the same lock, reads the same history).
  --parallel <n>       Databases migrated at a time (default 1: one after the other).
  --continue-on-error  Carry on with the other databases when one fails (default: start no further one).
  --json               Print each event as one JSON line instead of bars.

Exit code 0 when the run succeeded, 1 when it failed. A running gateway reloads the changed
catalogs on its own only for runs it started; after a CLI run call reloadCatalog (or restart).`;

/** `switchyard migrate`: returns the exit code. */
export async function migrateCommand(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, ['config', 'c', 'database', 'd', 'down', 'count', 'parallel'], ['dry-run', 'json', 'continue-on-error']);
  const file = flag(args, 'config') ?? flag(args, 'c') ?? (process.env.SWITCHYARD_CONFIG || undefined);
  if (!file) throw new Error('migrate needs a config file: --config <file> (or SWITCHYARD_CONFIG)');
  const down = intFlag(args, 'down');
  const count = intFlag(args, 'count');
  if (down !== undefined && count !== undefined) throw new Error('--down and --count exclude each other: --down <n> goes down n, --count <n> goes up n');
  const config = loadConfigFile(file);
  const asked = [...(args.flags.get('database') ?? []), ...(args.flags.get('d') ?? [])].flatMap((d) => d.split(',')).map((d) => d.trim()).filter(Boolean);
  const names = asked.length ? [...new Set(asked)] : config.databases.map((d) => d.name);
  const unknown = names.filter((n) => !config.databases.some((d) => d.name === n));
  if (unknown.length) throw new ConfigError(`no database named ${unknown.map((n) => `"${n}"`).join(', ')} in ${file} (it has: ${config.databases.map((d) => d.name).join(', ') || 'none'})`);

  const registry = new ConnectionRegistry();
  try {
    await Promise.all(config.databases.filter((d) => names.includes(d.name)).map((d) => registry.add(d)));
    const runs = new MigrationRunManager(new EventBus<MigrationRunEvent>());
    const run = runs.start({
      connections: names.map((n) => registry.require(n)),
      direction: down !== undefined ? 'down' : 'up',
      count: down ?? count,
      dryRun: args.flags.has('dry-run'),
      parallel: intFlag(args, 'parallel'),
      onError: args.flags.has('continue-on-error') ? 'CONTINUE' : 'STOP',
      startedBy: 'switchyard migrate',
    });
    const view = args.flags.has('json') ? jsonView() : barsView(!!process.stdout.isTTY);
    for await (const event of runs.subscribe(run.id)) view(event);
    await runs.drain();
    return run.status === 'SUCCEEDED' ? 0 : 1;
  } finally {
    await registry.close();
  }
}

/** One JSON line per event, as the subscription delivers them. */
function jsonView(): (e: MigrationRunEvent) => void {
  return (e) => process.stdout.write(`${JSON.stringify(e)}\n`);
}

/**
 * Event lines scrolling above a block of progress bars. On a terminal the block is redrawn in
 * place after every event; elsewhere (a pipe, CI) the bars are printed once, at the end.
 */
function barsView(tty: boolean): (e: MigrationRunEvent) => void {
  const events: MigrationRunEvent[] = [];
  let drawn = 0;
  return (e) => {
    events.push(e);
    const progress = progressOf(events);
    const bars = renderBars(progress);
    let text = tty && drawn ? `\x1b[${drawn}A\x1b[J` : '';
    text += `${eventLine(e)}\n`;
    const last = e.type === 'RUN_FINISHED';
    if (tty || last) {
      text += `${bars.join('\n')}\n`;
      drawn = bars.length;
    }
    if (last) text += progress.status === 'SUCCEEDED' ? 'run succeeded\n' : `run failed: ${progress.error ?? 'see the events above'}\n`;
    process.stdout.write(text);
  };
}
