#!/usr/bin/env node
import { XError } from '@x/core';
import { type BackendName, backendNames, isBackendName } from './backends.js';
import { runCommand } from './commands/run.js';
import { serveCommand } from './commands/serve.js';
import { webCommand } from './commands/web.js';
import { parseByteSize } from './parse-byte-size.js';
import { parseCliArgs } from './parse-cli-args.js';

const usage = `usage:
  x-playground run "<signature>" --<input> <value>… [--model file.gguf] [--backend ${backendNames.join('|')}]
                   [--threads N] [--max-tokens N] [--temperature T] [--cot] [--strict]
  x-playground serve [--model [name=]file.gguf,…] [--backend …] [--port 8080] [--host 127.0.0.1]
                     [--memory-budget 4GiB] [--serve-any-model] [--cors-origins https://a.example,…]
                     [--body-limit 1MiB] [--request-timeout-ms 30000]
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
  'memory-budget',
  'cors-origins',
  'body-limit',
  'request-timeout-ms',
]);

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const { positionals, options, flags } = parseCliArgs(rest, new Set(['cot', 'strict', 'serve-any-model']));
  const number = (value: string | undefined) => (value === undefined ? undefined : Number(value));
  const bytes = (name: string) =>
    options[name] === undefined ? undefined : parseByteSize(options[name], name);
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
        memoryBudget: bytes('memory-budget'),
        serveAnyModel: flags.has('serve-any-model'),
        corsOrigins: options['cors-origins']?.split(',').map((origin) => origin.trim()),
        bodyLimit: bytes('body-limit'),
        requestTimeoutMs: number(options['request-timeout-ms']),
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
