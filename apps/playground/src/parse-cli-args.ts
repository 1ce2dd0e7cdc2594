import { UsageError } from './usage-error.js';

export interface CliArgs {
  positionals: string[];
  /** Every `--name value` / `--name=value` pair, known options and signature inputs alike. */
  options: Record<string, string>;
  flags: Set<string>;
}

/**
 * `--name value` pairs with any name (signature inputs are not known in advance), plus boolean flags.
 * `--help` and `-h` are always the flag `help`.
 */
export function parseCliArgs(argv: string[], booleanFlags: ReadonlySet<string>): CliArgs {
  const args: CliArgs = { positionals: [], options: {}, flags: new Set() };
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index]!;
    if (arg === '--help' || arg === '-h') {
      args.flags.add('help');
      continue;
    }
    if (!arg.startsWith('--') || arg === '--') {
      args.positionals.push(arg);
      continue;
    }
    const body = arg.slice(2);
    const equals = body.indexOf('=');
    if (equals >= 0) {
      args.options[body.slice(0, equals)] = body.slice(equals + 1);
    } else if (booleanFlags.has(body)) {
      args.flags.add(body);
    } else if (index + 1 < argv.length) {
      args.options[body] = argv[++index]!;
    } else {
      throw new UsageError(`option --${body} needs a value`);
    }
  }
  return args;
}
