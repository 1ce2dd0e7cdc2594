import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { cachedConversion, loadLM } from '@x/onnx';
import type { Engine } from '@x/runtime';
import { ensureModel } from '../ensure-model.ts';
import { type Measurement, median } from './measure.ts';
import { ONNX_BENCH_CONFIGS, onnxCacheDir } from './onnx-bench-configs.ts';
import { promptOf } from './prompt-of.ts';
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
type Runner = (prompt: number) => Promise<Measurement>;

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** Collects the previous run's garbage and lets idle worker threads park, so no run pays for another's. */
async function quiesce(): Promise<void> {
  collectGarbage();
  await new Promise((resolve) => setTimeout(resolve, 100));
}

/**
 * Medians over `runs` after one warm-up (prompt 0), a different prompt each run so no prefix cache helps.
 * The runners take turns run by run, so a machine that speeds up or slows down meanwhile affects each alike.
 */
async function interleave<T extends Runner[]>(runners: [...T]): Promise<{ [K in keyof T]: Measurement }> {
  const results = runners.map(() => [] as Measurement[]);
  for (let i = 0; i <= runs; i++) {
    for (const [k, run] of runners.entries()) {
      await quiesce();
      const measurement = await run(i);
      if (i > 0) results[k]!.push(measurement);
    }
  }
  return results.map((measurements) => ({
    ttftMs: median(measurements.map((r) => r.ttftMs)),
    decodeTokensPerSecond: median(measurements.map((r) => r.decodeTokensPerSecond)),
    tokens: measurements[0]!.tokens,
  })) as { [K in keyof T]: Measurement };
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
for (const { type, dtype, contribOps } of ONNX_BENCH_CONFIGS) {
  const gguf = await ensureModel({ shape, type });
  let started = performance.now();
  const folder = await cachedConversion(gguf, { cacheDir: onnxCacheDir, dtype, contribOps });
  const exportMs = performance.now() - started;

  started = performance.now();
  const lm = await loadLM(gguf, { cacheDir: onnxCacheDir, dtype, contribOps, threads });
  const loadMs = performance.now() - started;
  const stopBias = Object.fromEntries([...lm.tokenizer.stopIds].map((id) => [id, -1e9]));
  // every runner gets the very tokens LocalLM makes of the prompt text
  const prompts = Array.from({ length: (runs + 1) * 5 }, (_, i) => promptOf(lm.tokenizer, promptLength, i));

  started = performance.now();
  const transformers = await loadTransformersJs(folder, threads);
  const tjsLoadMs = performance.now() - started;

  const [tjs, ours, oursLM, batched] = await interleave([
    (i) => transformers.generate(prompts[i]!.ids, newTokens),
    (i) => generateOnEngine(lm.engine, prompts[i]!.ids, newTokens),
    async (i) => {
      const result = await lm.complete(prompts[i]!.text, {
        temperature: 0,
        maxTokens: newTokens,
        logitBias: stopBias,
      });
      return {
        ttftMs: result.timings.ttftMs,
        decodeTokensPerSecond: result.timings.tokensPerSecond,
        tokens: result.tokenIds ?? [],
      };
    },
    (i) =>
      generateBatchOnEngine(
        lm.engine,
        [0, 1, 2, 3].map((k) => prompts[runs + 1 + i * 4 + k]!.ids),
        newTokens,
      ),
  ]);
  await lm.dispose();
  await transformers.dispose();

  const native = await loadNative(gguf);
  const nativeResult =
    native && (await interleave([(i) => generateOnEngine(native, prompts[i]!.ids, newTokens)]))[0];
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
