/** What the command line and environment say about where the config is and which port to use. */
export interface CliOptions {
  configPath?: string;
  port?: number;
}

/** Reads `--config <path>` / `SWITCHYARD_CONFIG` and `--port <n>` / `PORT`. */
export function parseCliArgs(argv: string[], env: Record<string, string | undefined>): CliOptions {
  const options: CliOptions = {};
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    const value = () => inline ?? argv[++i];
    if (flag === '--config' || flag === '-c') options.configPath = value();
    else if (flag === '--port' || flag === '-p') options.port = Number(value());
  }
  options.configPath ??= env.SWITCHYARD_CONFIG || undefined;
  if (options.port === undefined && env.PORT) options.port = Number(env.PORT);
  if (options.port !== undefined && !(Number.isInteger(options.port) && options.port > 0 && options.port < 65536)) {
    throw new Error(`--port / PORT must be a port number, got "${options.port}"`);
  }
  return options;
}
