// `pnpm bench`: our native engine against llama.cpp (node-llama-cpp) on the same synthetic GGUFs,
// same thread count, alternating runs, each run in a fresh process (so peak RSS is per engine).
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BenchArgs, benchHelp, parseBenchArgs, pickCases } from './bench-args.ts';
import { benchResultsJson, historyFileName, type MeasuredCase } from './bench-results-json.ts';
import { caseName, type EngineCase } from './engine-cases.ts';
import { ensureModel } from './ensure-model.ts';
import { spread } from './median.ts';
import type { RunResult } from './runners/run-args.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
// `pnpm bench --optimizer [options]` runs issue #12's optimiser benchmark instead (see optimizer/optimizer-bench.ts).
if (process.argv.includes('--optimizer')) {
  await import('./optimizer/optimizer-bench.ts');
  process.exit();
}
let args: BenchArgs;
try {
  args = parseBenchArgs(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`pnpm bench: ${(error as Error).message}\n`);
  process.exit(2);
}
if (args.help) {
  console.log(benchHelp);
  process.exit(0);
}
const { runs, threads, prompt, gen } = args;
const cases = pickCases(args.cases);

const engines = { 'x candle-native': 'candle-native.ts', 'llama.cpp': 'llama-cpp.ts' } as const;
type EngineName = keyof typeof engines;

function measure(engine: EngineName, model: string): RunResult {
  const runner = path.join(here, 'runners', engines[engine]);
  const output = execFileSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '--conditions=x-source',
      runner,
      '--model',
      model,
      '--threads',
      `${threads}`,
      '--prompt',
      `${prompt}`,
      '--gen',
      `${gen}`,
    ],
    { cwd: path.resolve(here, '..'), encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return JSON.parse(output.trim().split('\n').at(-1)!) as RunResult;
}

const format = (values: number[], digits = 1) => {
  const s = spread(values);
  return `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})`;
};

const rows: string[] = [];
const measured: MeasuredCase[] = [];
for (const [caseIndex, engineCase] of (cases as EngineCase[]).entries()) {
  const where = `[case ${caseIndex + 1}/${cases.length}] ${caseName(engineCase)}`;
  process.stderr.write(`${where}: preparing the model\n`);
  const model = await ensureModel(engineCase);
  const results: Record<EngineName, RunResult[]> = { 'x candle-native': [], 'llama.cpp': [] };
  for (let run = 0; run < runs; run++) {
    for (const engine of Object.keys(engines) as EngineName[]) {
      process.stderr.write(`${where} · ${engine} · run ${run + 1} of ${runs}\n`);
      results[engine].push(measure(engine, model));
    }
  }
  for (const engine of Object.keys(engines) as EngineName[]) {
    measured.push({ case: caseName(engineCase), engine, runs: results[engine] });
  }
  const median = (engine: EngineName, key: keyof RunResult) =>
    spread(results[engine].map((r) => r[key])).median;
  for (const engine of Object.keys(engines) as EngineName[]) {
    const r = results[engine];
    rows.push(
      `| ${caseName(engineCase)} | ${engine} | ${format(r.map((x) => x.decodeTokensPerSecond))} | ` +
        `${format(r.map((x) => x.prefillTokensPerSecond))} | ${format(
          r.map((x) => x.ttftMs),
          0,
        )} | ` +
        `${format(
          r.map((x) => x.maxRssMb),
          0,
        )} | ${format(
          r.map((x) => x.loadMs),
          0,
        )} |`,
    );
  }
  const ratio = (key: keyof RunResult) =>
    (median('x candle-native', key) / median('llama.cpp', key)).toFixed(2);
  rows.push(
    `| ${caseName(engineCase)} | **ratio x / llama.cpp** | **${ratio('decodeTokensPerSecond')}×** | ` +
      `**${ratio('prefillTokensPerSecond')}×** | ${ratio('ttftMs')}× | ${ratio('maxRssMb')}× | ${ratio('loadMs')}× |`,
  );
  process.stderr.write(`${rows.slice(-3).join('\n')}\n`);
}

const table = [
  `Machine: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} logical cores, ` +
    `${(os.totalmem() / 2 ** 30).toFixed(0)} GiB; threads ${threads}; prompt ${prompt} tokens; ` +
    `${gen} generated; median of ${runs} runs (min–max).`,
  '',
  '| model | engine | decode tok/s (higher is better) | prefill tok/s (higher) | TTFT ms (lower) | peak RSS MB (lower) | load ms (lower) |',
  '|---|---|---|---|---|---|---|',
  ...rows,
].join('\n');
const json = benchResultsJson(measured, { threads, prompt, gen, runs });
console.log(args.json ? JSON.stringify(json, null, 2) : table);
const results = path.resolve(here, '../results');
mkdirSync(path.join(results, 'history'), { recursive: true });
writeFileSync(path.join(results, 'latest.md'), `${table}\n`);
writeFileSync(path.join(results, 'latest.json'), `${JSON.stringify(json, null, 2)}\n`);
// Every run is kept for the playground's /bench page and `pnpm --filter @x/benchmarks plots`.
writeFileSync(
  path.join(results, 'history', historyFileName(json.date)),
  `${JSON.stringify(json, null, 2)}\n`,
);
