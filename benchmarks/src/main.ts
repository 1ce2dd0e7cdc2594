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
import { limitShares, percent } from './limits/limit-shares.ts';
import { measureMachineLimits } from './limits/machine-limits.ts';
import { modelCostOf } from './limits/model-cost.ts';
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

// Both limits are measured here, in this run and with its thread count, never taken from a table.
process.stderr.write(
  `measuring the machine's read bandwidth, int8 peak and f32 FMA peak (${threads} threads)\n`,
);
const limits = measureMachineLimits(threads);

const rows: string[] = [];
const measured: MeasuredCase[] = [];
for (const [caseIndex, engineCase] of (cases as EngineCase[]).entries()) {
  const where = `[case ${caseIndex + 1}/${cases.length}] ${caseName(engineCase)}`;
  process.stderr.write(`${where}: preparing the model\n`);
  const model = await ensureModel(engineCase);
  const cost = await modelCostOf(model, prompt);
  const results: Record<EngineName, RunResult[]> = { 'x candle-native': [], 'llama.cpp': [] };
  for (let run = 0; run < runs; run++) {
    for (const engine of Object.keys(engines) as EngineName[]) {
      process.stderr.write(`${where} · ${engine} · run ${run + 1} of ${runs}\n`);
      results[engine].push(measure(engine, model));
    }
  }
  for (const engine of Object.keys(engines) as EngineName[]) {
    measured.push({ case: caseName(engineCase), engine, runs: results[engine], cost });
  }
  const median = (engine: EngineName, key: keyof RunResult) =>
    spread(results[engine].map((r) => r[key])).median;
  const shareOf = (engine: EngineName) =>
    limitShares(
      {
        decodeTokensPerSecond: median(engine, 'decodeTokensPerSecond'),
        prefillTokensPerSecond: median(engine, 'prefillTokensPerSecond'),
      },
      cost,
      limits,
    );
  for (const engine of Object.keys(engines) as EngineName[]) {
    const r = results[engine];
    const share = shareOf(engine);
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
        )} | ${percent(share.decodeShareOfBandwidth)} | ${percent(share.prefillShareOfInt8Peak)} | ${percent(
          share.prefillShareOfArithmeticPeak,
        )} |`,
    );
  }
  const ratio = (key: keyof RunResult) =>
    (median('x candle-native', key) / median('llama.cpp', key)).toFixed(2);
  rows.push(
    `| ${caseName(engineCase)} | **ratio x / llama.cpp** | **${ratio('decodeTokensPerSecond')}×** | ` +
      `**${ratio('prefillTokensPerSecond')}×** | ${ratio('ttftMs')}× | ${ratio('maxRssMb')}× | ${ratio('loadMs')}× | | | |`,
  );
  process.stderr.write(`${rows.slice(-3).join('\n')}\n`);
}

const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
const costLines = [...new Map(measured.map((m) => [m.case, m.cost])).entries()].map(
  ([name, cost]) =>
    `${name}: ${mb(cost.weightBytesPerToken)} MB read per decoded token, ${mb(cost.macsPerToken)} M MACs per prompt token` +
    (cost.floatMacsPerToken > 0 ? ` (${mb(cost.floatMacsPerToken)} M of them on float weights)` : '') +
    `, ${mb(cost.attentionMacsPerToken)} M attention MACs per prompt token (f32)`,
);

const table = [
  `Machine: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} logical cores, ` +
    `${(os.totalmem() / 2 ** 30).toFixed(0)} GiB; threads ${threads}; prompt ${prompt} tokens; ` +
    `${gen} generated; median of ${runs} runs (min–max).`,
  `Limits measured in this run (${threads} threads, xcandle-harness membw / int8peak / fmapeak): read bandwidth ` +
    `${limits.readBandwidthGBs.toFixed(1)} GB/s; int8 peak ${limits.int8PeakGMACs.toFixed(1)} GMAC/s (${limits.int8Instruction}); ` +
    `f32 FMA peak ${limits.fmaPeakGMACs.toFixed(1)} GMAC/s (${limits.fmaInstruction}). ` +
    'Decode share = decode tok/s × weight bytes per token ÷ read bandwidth; prefill share of int8 peak = prefill tok/s × ' +
    'matrix MACs per token ÷ int8 peak; of arithmetic peak = prefill tok/s × (quantized-matrix MACs ÷ int8 peak + ' +
    '(float-matrix MACs + attention MACs) ÷ f32 FMA peak) (what is counted: docs/benchmarks.md).',
  '',
  ...costLines.map((line) => `- ${line}`),
  '',
  '| model | engine | decode tok/s (higher is better) | prefill tok/s (higher) | TTFT ms (lower) | peak RSS MB (lower) | load ms (lower) | decode share of bandwidth | prefill share of int8 peak | prefill share of arithmetic peak |',
  '|---|---|---|---|---|---|---|---|---|---|',
  ...rows,
].join('\n');
const json = benchResultsJson(measured, { threads, prompt, gen, runs }, limits);
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
