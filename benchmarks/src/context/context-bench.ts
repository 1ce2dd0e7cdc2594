// `pnpm --filter @x/benchmarks bench:context`: time to first token and decode tok/s at 128…8192 tokens
// of context, our native and ONNX engines against llama.cpp in the same run (see --help).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cachedConversion } from '@x/onnx';
import { GGMLType, MODEL_SHAPES, synthesizeModel } from '@x/runtime';
import { spread } from '../median.ts';
import { ONNX_CONVERSION } from '../runners/onnx.ts';
import type { RunResult } from '../runners/run-args.ts';
import { type ContextArgs, type ContextEngine, contextHelp, parseContextArgs } from './context-args.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const RUNNERS: Record<ContextEngine, string> = {
  'x candle-native': 'candle-native.ts',
  'x onnx': 'onnx.ts',
  'llama.cpp': 'llama-cpp.ts',
};

let args: ContextArgs;
try {
  args = parseContextArgs(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`bench:context: ${(error as Error).message}\n`);
  process.exit(2);
}
if (args.help) {
  console.log(contextHelp);
  process.exit(0);
}

/** The shape's GGUF with a trained context that holds the longest prompt plus generation. */
async function ensureModel(shape: string): Promise<string> {
  const needed = Math.max(...args.lengths) + args.gen + 16;
  let contextLength = MODEL_SHAPES[shape]!.contextLength;
  while (contextLength < needed) contextLength *= 2;
  const modelsDir = path.resolve(here, '../../models');
  mkdirSync(modelsDir, { recursive: true });
  const file = path.join(modelsDir, `${shape}-${args.type}-ctx${contextLength}.gguf`);
  if (!existsSync(file)) {
    const type = GGMLType[args.type as keyof typeof GGMLType];
    if (typeof type !== 'number') throw new RangeError(`unknown weight type ${args.type}`);
    process.stderr.write(`synthesizing ${file}\n`);
    await synthesizeModel({ shape, type, seed: 1, std: 0.02, contextLength, path: file });
  }
  return file;
}

function measure(engine: ContextEngine, model: string, prompt: number): RunResult {
  const flags = [
    '--model',
    model,
    '--threads',
    `${args.threads}`,
    '--prompt',
    `${prompt}`,
    '--gen',
    `${args.gen}`,
  ];
  const output = execFileSync(
    process.execPath,
    ['--import', 'tsx', '--conditions=x-source', path.join(here, '../runners', RUNNERS[engine]), ...flags],
    { cwd: path.resolve(here, '../..'), encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return JSON.parse(output.trim().split('\n').at(-1)!) as RunResult;
}

interface Row {
  shape: string;
  length: number;
  engine: ContextEngine;
  ttftMs: number;
  decodeTokensPerSecond: number;
  runs: RunResult[];
}
const rows: Row[] = [];
for (const shape of args.shapes) {
  const model = await ensureModel(shape);
  if (args.engines.includes('x onnx')) {
    process.stderr.write(`${shape}: converting to ONNX (cached after the first time)\n`);
    await cachedConversion(model, ONNX_CONVERSION);
  }
  for (const length of args.lengths) {
    const results = new Map<ContextEngine, RunResult[]>(args.engines.map((e) => [e, []]));
    for (let run = 0; run < args.runs; run++) {
      for (const engine of args.engines) {
        process.stderr.write(`${shape} · ${length} tokens · ${engine} · run ${run + 1} of ${args.runs}\n`);
        results.get(engine)!.push(measure(engine, model, length));
      }
    }
    for (const [engine, runs] of results) {
      rows.push({
        shape,
        length,
        engine,
        ttftMs: spread(runs.map((r) => r.ttftMs)).median,
        decodeTokensPerSecond: spread(runs.map((r) => r.decodeTokensPerSecond)).median,
        runs,
      });
    }
  }
}

const peer = (row: Row) =>
  rows.find((r) => r.shape === row.shape && r.length === row.length && r.engine === 'llama.cpp')!;
const lines = rows.map((row) => {
  const ratios =
    row.engine === 'llama.cpp'
      ? '| — | —'
      : `| ${(row.ttftMs / peer(row).ttftMs).toFixed(2)}× | **${(row.decodeTokensPerSecond / peer(row).decodeTokensPerSecond).toFixed(2)}×**`;
  return `| ${row.shape} ${args.type} | ${row.length} | ${row.engine} | ${row.ttftMs.toFixed(0)} | ${row.decodeTokensPerSecond.toFixed(1)} ${ratios} |`;
});
const machine = `${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} logical cores`;
const table = [
  `Machine: ${machine}; threads ${args.threads}; ${args.gen} tokens generated after each prompt; median of ${args.runs} runs.`,
  '',
  '| model | context (prompt tokens) | engine | TTFT ms (lower is better) | decode tok/s (higher) | TTFT vs llama.cpp (lower) | decode vs llama.cpp (higher) |',
  '|---|---:|---|---:|---:|---:|---:|',
  ...lines,
].join('\n');
console.log(table);
const json = {
  date: new Date().toISOString(),
  machine: { cpu: os.cpus()[0]?.model ?? 'unknown CPU', cores: os.cpus().length },
  settings: { ...args, help: undefined },
  results: rows,
};
const resultsDir = path.resolve(here, '../../results');
mkdirSync(resultsDir, { recursive: true });
writeFileSync(path.join(resultsDir, 'context-latest.md'), `${table}\n`);
writeFileSync(path.join(resultsDir, 'context-latest.json'), `${JSON.stringify(json, null, 2)}\n`);
