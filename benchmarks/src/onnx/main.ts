// transformers.js vs our ONNX engine on the very same exported model, and our ONNX vs native engine.
// Run from benchmarks/: node --import tsx --conditions=x-source src/onnx/main.ts [--shape smollm2-135m]
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cachedConversion, loadLM, type WeightDType } from '@x/onnx';
import { type Engine, GGMLType, synthesizeModel } from '@x/runtime';
import { type Measurement, median } from './measure.ts';
import { generateBatchOnEngine, generateOnEngine } from './run-engine.ts';
import { loadTransformersJs } from './run-transformers-js.ts';

const argv = process.argv.slice(2);
const option = (flag: string, fallback: string): string => {
  const index = argv.indexOf(flag);
  return index >= 0 ? (argv[index + 1] ?? fallback) : fallback;
};
const shape = option('--shape', 'smollm2-135m');
const threads = Number(option('--threads', '2'));
const promptLength = Number(option('--prompt', '64'));
const newTokens = Number(option('--gen', '32'));
const runs = Number(option('--runs', '2'));
/** GGUF type → how the ONNX export stores it. */
const CONFIGS: Array<{ type: keyof typeof GGMLType; dtype: WeightDType; contribOps: boolean }> = [
  { type: 'F16', dtype: 'f32', contribOps: false },
  { type: 'Q8_0', dtype: 'gguf', contribOps: true },
];

const modelsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../models');
const cacheDir = path.join(modelsDir, 'onnx-cache');
const prompt = Array.from({ length: promptLength }, (_, i) => 3 + ((i * 7919) % 200));

async function ensureGGUF(type: keyof typeof GGMLType): Promise<string> {
  mkdirSync(modelsDir, { recursive: true });
  const file = path.join(modelsDir, `${shape}-${type}.gguf`);
  if (!existsSync(file)) {
    process.stderr.write(`synthesizing ${file}\n`);
    await synthesizeModel({ shape, type: GGMLType[type], seed: 1, std: 0.02, path: file });
  }
  return file;
}

/** Median over `runs` after one warm-up; a different prompt each time so no prefix cache helps. */
async function repeat(run: (prompt: number[]) => Promise<Measurement>): Promise<Measurement> {
  await run(prompt);
  const results: Measurement[] = [];
  for (let i = 0; i < runs; i++) results.push(await run([prompt[0]! + i + 1, ...prompt.slice(1)]));
  return {
    ttftMs: median(results.map((r) => r.ttftMs)),
    decodeTokensPerSecond: median(results.map((r) => r.decodeTokensPerSecond)),
    tokens: results[0]!.tokens,
  };
}

async function loadNative(gguf: string): Promise<Engine | undefined> {
  try {
    const candle = (await import('@x/candle-native')) as {
      loadEngine?: (p: string, o: object) => Promise<Engine>;
    };
    return await candle.loadEngine?.(gguf, { threads, contextLength: promptLength + newTokens + 16 });
  } catch (error) {
    process.stderr.write(`native engine unavailable: ${(error as Error).message}\n`);
    return undefined;
  }
}

const table: string[] = [];
const notes: string[] = [];
for (const { type, dtype, contribOps } of CONFIGS) {
  const gguf = await ensureGGUF(type);
  let started = performance.now();
  const folder = await cachedConversion(gguf, { cacheDir, dtype, contribOps });
  const exportMs = performance.now() - started;

  started = performance.now();
  const lm = await loadLM(gguf, { cacheDir, dtype, contribOps, threads });
  const loadMs = performance.now() - started;
  const stopBias = Object.fromEntries([...lm.tokenizer.stopIds].map((id) => [id, -1e9]));
  const ours = await repeat((ids) => generateOnEngine(lm.engine, ids, newTokens));
  const batched = await repeat((ids) =>
    generateBatchOnEngine(
      lm.engine,
      [0, 1, 2, 3].map((k) => [ids[0]! + k, ...ids.slice(1)]),
      newTokens,
    ),
  );
  const oursLM = await repeat(async (ids) => {
    const result = await lm.complete(lm.tokenizer.decode(ids), {
      temperature: 0,
      maxTokens: newTokens,
      logitBias: stopBias,
    });
    return {
      ttftMs: result.timings.ttftMs,
      decodeTokensPerSecond: result.timings.tokensPerSecond,
      tokens: result.tokenIds ?? [],
    };
  });
  await lm.dispose();

  started = performance.now();
  const transformers = await loadTransformersJs(folder, threads);
  const tjsLoadMs = performance.now() - started;
  const tjs = await repeat((ids) => transformers.generate(ids, newTokens));
  await transformers.dispose();

  const native = await loadNative(gguf);
  const nativeResult = native && (await repeat((ids) => generateOnEngine(native, ids, newTokens)));
  await native?.dispose();

  const label = `${type} GGUF → ${dtype === 'gguf' ? 'int8 MatMulNBits' : dtype}${contribOps ? ' + GQA' : ''} ONNX`;
  const row = (name: string, m: Measurement) =>
    `| ${label} | ${name} | ${m.ttftMs.toFixed(1)} | ${m.decodeTokensPerSecond.toFixed(1)} | ${(m.decodeTokensPerSecond / tjs.decodeTokensPerSecond).toFixed(2)}× |`;
  table.push(row('transformers.js 4.3.1 generate', tjs));
  table.push(row('x ONNX engine, greedy loop', ours));
  table.push(row('x ONNX LocalLM.complete', oursLM));
  table.push(row('x ONNX engine, 4 sequences batched (total tok/s)', batched));
  if (nativeResult) table.push(row('x native engine, greedy loop', nativeResult));
  const firstDifference = ours.tokens.findIndex((token, i) => token !== tjs.tokens[i]);
  notes.push(
    `- ${label}: export ${(exportMs / 1000).toFixed(1)} s (0 when cached), load ours ${loadMs.toFixed(0)} ms vs transformers.js ${tjsLoadMs.toFixed(0)} ms; ` +
      `greedy tokens vs transformers.js: ${firstDifference < 0 ? `all ${newTokens} equal` : `first difference at ${firstDifference}`}; ` +
      `ONNX/native decode: ${nativeResult ? (ours.decodeTokensPerSecond / nativeResult.decodeTokensPerSecond).toFixed(2) : 'n/a (no native engine)'}`,
  );
}

console.log(
  `\n### ONNX backends on synthetic ${shape}: prompt ${promptLength} tokens, ${newTokens} new, ${threads} threads, median of ${runs}\n`,
);
console.log('| model | runner | TTFT (ms) | decode tok/s | decode vs transformers.js |');
console.log('|---|---|---:|---:|---:|');
for (const line of table) console.log(line);
console.log(`\n${notes.join('\n')}`);
