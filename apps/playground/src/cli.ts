#!/usr/bin/env node
import { XError } from '@x/core';
import { type BackendName, backendNames, isBackendName } from './backends.js';
import { runCommand } from './commands/run.js';
import { serveCommand } from './commands/serve.js';
import { webCommand } from './commands/web.js';
import { parseCliArgs } from './parse-cli-args.js';

const usage = `usage:
  x-playground run "<signature>" --<input> <value>… [--model file.gguf] [--backend ${backendNames.join('|')}]
                   [--threads N] [--max-tokens N] [--temperature T] [--cot] [--strict] [--unconstrained]
  x-playground serve [--model file.gguf] [--backend …] [--port 8080] [--host 127.0.0.1]
  x-playground web [--model file.gguf] [--backends candle,onnx,reference] [--port 8090] [--host 127.0.0.1]

Without --model, the bundled stories260K model is used.`;

function backendOf(value: string | undefined): BackendName {
  const name = value ?? 'candle';
  if (!isBackendName(name))
    throw new XError('X_USAGE', `unknown backend "${name}" (${backendNames.join(', ')})`);
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
]);

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const { positionals, options, flags } = parseCliArgs(rest, new Set(['cot', 'strict', 'unconstrained']));
  const number = (value: string | undefined) => (value === undefined ? undefined : Number(value));
  const inputs = Object.fromEntries(Object.entries(options).filter(([name]) => !optionNames.has(name)));
  switch (command) {
    case 'run': {
      const signature = positionals[0];
      if (!signature) break;
      return runCommand({
        signature,
        inputs,
        model: options.model,
        backend: backendOf(options.backend),
        threads: number(options.threads),
        maxTokens: number(options['max-tokens']) ?? 128,
        temperature: number(options.temperature) ?? 0,
        chainOfThought: flags.has('cot'),
        strict: flags.has('strict'),
        constrain: !flags.has('unconstrained'),
        out: process.stdout,
      });
    }
    case 'serve':
      return serveCommand({
        model: options.model,
        backend: backendOf(options.backend),
        threads: number(options.threads),
        host: options.host ?? '127.0.0.1',
        port: number(options.port) ?? 8080,
        out: process.stdout,
      });
    case 'web':
      return webCommand({
        model: options.model,
        backends: backendsOf(options.backends),
        threads: number(options.threads),
        host: options.host ?? '127.0.0.1',
        port: number(options.port) ?? 8090,
        out: process.stdout,
      });
  }
  process.stderr.write(`${usage}\n`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}\n`);
    process.exit(1);
  },
);
