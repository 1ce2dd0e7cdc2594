import { SignatureError, XError } from '@x/core';
import { type BackendName, backendNames, isBackendName } from './backends.js';
import { commandHelp, isCommandName, mainHelp } from './cli-help.js';
import { runCommand } from './commands/run.js';
import { serveCommand } from './commands/serve.js';
import { webCommand } from './commands/web.js';
import { parseByteSize } from './parse-byte-size.js';
import { parseCliArgs } from './parse-cli-args.js';
import { parseNumberOption } from './parse-number-option.js';
import { UsageError } from './usage-error.js';
import { describeSignature } from './web/describe-signature.js';

export interface CliIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

function backendOf(value: string | undefined): BackendName {
  const name = value ?? 'candle';
  if (!isBackendName(name)) throw new UsageError(`unknown backend "${name}" (${backendNames.join(', ')})`);
  return name;
}

function backendsOf(value: string | undefined): BackendName[] {
  return [...new Set((value ?? backendNames.join(',')).split(',').map((name) => backendOf(name.trim())))];
}

const optionNames = new Set([
  'model',
  'backend',
  'backends',
  'threads',
  'max-tokens',
  'temperature',
  'port',
  'host',
  'memory-budget',
  'cors-origins',
  'body-limit',
  'request-timeout-ms',
  'max-queue',
  'kv-memory',
]);
const flagNames = new Set(['cot', 'strict', 'json', 'unconstrained', 'serve-any-model']);

const threadsOf = (value: string | undefined) =>
  parseNumberOption('threads', value, { integer: true, min: 1, max: 1024 });
const portOf = (value: string | undefined) =>
  parseNumberOption('port', value, { integer: true, min: 0, max: 65535 });

const byteSizeOf = (options: Record<string, string>, name: string, min?: number) =>
  options[name] === undefined ? undefined : parseByteSize(options[name], name, { min });

/** The CLI without the process: parses `argv`, runs the command, and returns the exit code. */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined) {
    io.stderr.write(`${mainHelp}\n`);
    return 2;
  }
  if (command === '--help' || command === '-h' || command === 'help') {
    const topic = rest[0];
    io.stdout.write(`${command === 'help' && isCommandName(topic) ? commandHelp[topic] : mainHelp}\n`);
    return 0;
  }
  if (!isCommandName(command))
    throw new UsageError(`unknown command "${command}" (run, serve, web; see --help)`);
  const { positionals, options, flags } = parseCliArgs(rest, flagNames);
  if (flags.has('help')) {
    io.stdout.write(`${commandHelp[command]}\n`);
    return 0;
  }
  switch (command) {
    case 'run': {
      const signature = positionals[0];
      if (!signature)
        throw new UsageError('run needs a signature, e.g. run "question -> answer" --question "…"');
      const description = describeSignature(signature);
      const inputs = Object.fromEntries(Object.entries(options).filter(([name]) => !optionNames.has(name)));
      const known = new Set(description.inputs.map((field) => field.name));
      const unknown = Object.keys(inputs).filter((name) => !known.has(name));
      const missing = [...known].filter((name) => !(name in inputs));
      if (missing.length > 0) {
        throw new UsageError(
          `missing input ${missing.map((name) => `--${name}`).join(', ')} for "${signature}"`,
        );
      }
      if (unknown.length > 0) {
        const expected = [...known].map((name) => `--${name}`).join(', ');
        throw new UsageError(
          `unknown option --${unknown[0]} (the signature's inputs are ${expected}; see run --help)`,
        );
      }
      return runCommand({
        signature,
        inputs,
        model: options.model,
        backend: backendOf(options.backend),
        threads: threadsOf(options.threads),
        kvMemoryBytes: byteSizeOf(options, 'kv-memory', 1),
        maxTokens:
          parseNumberOption('max-tokens', options['max-tokens'], { integer: true, min: 1, max: 100_000 }) ??
          128,
        temperature: parseNumberOption('temperature', options.temperature, { min: 0, max: 5 }) ?? 0,
        chainOfThought: flags.has('cot'),
        strict: flags.has('strict'),
        json: flags.has('json'),
        constrain: !flags.has('unconstrained'),
        out: io.stdout,
      });
    }
    case 'serve':
      return serveCommand({
        model: options.model,
        backend: backendOf(options.backend),
        threads: threadsOf(options.threads),
        host: options.host ?? '127.0.0.1',
        port: portOf(options.port) ?? 8080,
        memoryBudget: byteSizeOf(options, 'memory-budget'),
        kvMemoryBytes: byteSizeOf(options, 'kv-memory', 1),
        maxQueue: parseNumberOption('max-queue', options['max-queue'], {
          integer: true,
          min: 0,
          max: 1_000_000,
        }),
        serveAnyModel: flags.has('serve-any-model'),
        corsOrigins: options['cors-origins']?.split(',').map((origin) => origin.trim()),
        bodyLimit: byteSizeOf(options, 'body-limit'),
        requestTimeoutMs: parseNumberOption('request-timeout-ms', options['request-timeout-ms'], {
          integer: true,
          min: 1,
          max: 3_600_000,
        }),
        out: io.stdout,
      });
    case 'web':
      return webCommand({
        model: options.model,
        backends: backendsOf(options.backends),
        threads: threadsOf(options.threads),
        host: options.host ?? '127.0.0.1',
        port: portOf(options.port) ?? 8090,
        benchDir: options['bench-dir'],
        out: io.stdout,
      });
  }
}

/** One line for any failure; usage mistakes exit 2, everything else 1. $X_DEBUG=1 adds the stack. */
export function reportCliError(error: unknown, stderr: NodeJS.WritableStream): number {
  const usage = UsageError.isInstance(error) || SignatureError.isInstance(error);
  const message = error instanceof Error ? error.message : String(error);
  const kind = XError.isInstance(error) || !(error instanceof Error) ? '' : `${error.name}: `;
  stderr.write(`x-playground: ${kind}${message.split('\n')[0]}${usage ? ' (see --help)' : ''}\n`);
  if (process.env.X_DEBUG && error instanceof Error && error.stack) stderr.write(`${error.stack}\n`);
  return usage ? 2 : 1;
}
