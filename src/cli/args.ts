/** Flags of one command: `--name value`, `--name=value`, repeated flags collected, bare `--flag` true. */
export interface ParsedArgs {
  flags: Map<string, string[]>;
  /** Words that are not flags. */
  positional: string[];
}

/**
 * Splits `argv` by the command's flag list; `booleans` take no value. An unknown flag or a
 * missing value throws an Error naming it (the caller prints it with the command's usage).
 */
export function parseArgs(argv: readonly string[], valued: readonly string[], booleans: readonly string[] = []): ParsedArgs {
  const flags = new Map<string, string[]>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('-')) {
      positional.push(arg);
      continue;
    }
    const [name, inline] = arg.replace(/^--?/, '').split(/=(.*)/s, 2);
    if (booleans.includes(name) || name === 'help' || name === 'h') {
      flags.set(name === 'h' ? 'help' : name, ['true']);
      continue;
    }
    if (!valued.includes(name)) throw new Error(`unknown option --${name}`);
    const value = inline ?? argv[++i];
    if (value === undefined || (inline === undefined && value.startsWith('--'))) throw new Error(`--${name} needs a value`);
    flags.set(name, [...(flags.get(name) ?? []), value]);
  }
  return { flags, positional };
}

/** The last value of a flag. */
export const flag = (args: ParsedArgs, name: string): string | undefined => args.flags.get(name)?.at(-1);

/** A positive integer flag, or undefined when absent. */
export function intFlag(args: ParsedArgs, name: string): number | undefined {
  const value = flag(args, name);
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive whole number, got "${value}"`);
  return n;
}
