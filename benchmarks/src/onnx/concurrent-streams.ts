import { loadLM } from '@x/onnx';
import { argmax, type Engine, type LocalLM } from '@x/runtime';
import { ensureModel } from '../ensure-model.ts';
import { median } from './measure.ts';
import { ONNX_BENCH_CONFIGS, onnxCacheDir } from './onnx-bench-configs.ts';
import { promptOf } from './prompt-of.ts';

const argv = process.argv.slice(2);
const option = (flag: string, fallback: string): string => {
  const index = argv.indexOf(flag);
  return index >= 0 ? (argv[index + 1] ?? fallback) : fallback;
};
const shape = option('--shape', 'smollm2-135m');
const threads = Number(option('--threads', '2'));
const streamCounts = option('--streams', '1,4,8').split(',').map(Number);
const promptLength = Number(option('--prompt', '48'));
const newTokens = Number(option('--gen', '32'));
const runs = Number(option('--runs', '2'));
/** Stream k's prompt: 5·k tokens longer than stream k − 1's, so no two decode at the same length. */
function prompts(lm: LocalLM, streams: number, run: number): Array<{ text: string; ids: number[] }> {
  return Array.from({ length: streams }, (_, k) =>
    promptOf(lm.tokenizer, promptLength + 5 * k, run * 16 + k),
  );
}

/** Prefills every stream alone, then greedy-decodes all in lockstep (one forward per step): total decode tok/s. */
async function lockstep(engine: Engine, inputs: number[][]): Promise<number> {
  const seqs = inputs.map(() => engine.createSequence());
  let next: Int32Array[] = [];
  for (const [k, seq] of seqs.entries()) {
    const [logits] = await engine.forward([{ seq, tokens: Int32Array.from(inputs[k]!), logitsFor: 'last' }]);
    next.push(Int32Array.of(argmax(logits!)));
  }
  const start = performance.now();
  for (let step = 1; step < newTokens; step++) {
    const logits = await engine.forward(seqs.map((seq, k) => ({ seq, tokens: next[k]!, logitsFor: 'last' })));
    next = logits.map((row) => Int32Array.of(argmax(row)));
  }
  const seconds = (performance.now() - start) / 1000;
  for (const seq of seqs) engine.release(seq);
  return (seqs.length * (newTokens - 1)) / seconds;
}

/** The streams as concurrent LocalLM.complete calls (the scheduler batches them): generated tok/s end to end. */
async function concurrent(lm: LocalLM, texts: string[], stopBias: Record<number, number>): Promise<number> {
  const start = performance.now();
  const results = await Promise.all(
    texts.map((text) => lm.complete(text, { temperature: 0, maxTokens: newTokens, logitBias: stopBias })),
  );
  const tokens = results.reduce((sum, result) => sum + (result.tokenIds?.length ?? 0), 0);
  return tokens / ((performance.now() - start) / 1000);
}

const rows: string[] = [];
for (const { type, dtype, contribOps } of ONNX_BENCH_CONFIGS) {
  const gguf = await ensureModel({ shape, type });
  const common = { cacheDir: onnxCacheDir, dtype, contribOps, threads };
  const padded = await loadLM(gguf, common);
  const equalOnly = await loadLM(gguf, { ...common, padDecodeBatches: false });
  const stopBias = Object.fromEntries([...padded.tokenizer.stopIds].map((id) => [id, -1e9]));
  const label = `${type} → ${dtype === 'gguf' ? 'int8 MatMulNBits + GQA (right padding)' : 'f32 plain ops (left padding)'}`;
  const single: Record<string, number> = {};
  for (const streams of streamCounts) {
    const samples = { engine: [[], []] as number[][], lm: [[], []] as number[][] };
    // run 0 warms up; the two engines take turns, run by run
    for (let run = 0; run <= runs; run++) {
      const inputs = prompts(padded, streams, run);
      for (const [i, lm] of [padded, equalOnly].entries()) {
        const engineRate = await lockstep(
          lm.engine,
          inputs.map((p) => p.ids),
        );
        const lmRate = await concurrent(
          lm,
          inputs.map((p) => p.text),
          stopBias,
        );
        if (run > 0) {
          samples.engine[i]!.push(engineRate);
          samples.lm[i]!.push(lmRate);
        }
      }
    }
    const [engineAfter, engineBefore] = samples.engine.map(median) as [number, number];
    const [lmAfter, lmBefore] = samples.lm.map(median) as [number, number];
    if (streams === 1) Object.assign(single, { engineAfter, engineBefore, lmAfter, lmBefore });
    const scale = (rate: number, one: number | undefined) => (one ? `${(rate / one).toFixed(2)}×` : 'n/a');
    rows.push(
      `| ${label} | ${streams} | ${engineBefore.toFixed(1)} | ${engineAfter.toFixed(1)} | ${(engineAfter / engineBefore).toFixed(2)}× | ` +
        `${scale(engineAfter, single.engineAfter)} | ${lmBefore.toFixed(1)} | ${lmAfter.toFixed(1)} | ${(lmAfter / lmBefore).toFixed(2)}× | ${scale(lmAfter, single.lmAfter)} |`,
    );
  }
  await padded.dispose();
  await equalOnly.dispose();
}

console.log(
  `\n### ONNX engine, concurrent streams of unequal prompt lengths: synthetic ${shape}, prompts ${promptLength}+5k tokens, ${newTokens} new, ${threads} threads, median of ${runs}\n`,
);
console.log(
  '| model | streams | engine lockstep decode tok/s, equal lengths only | padded | padded/equal | vs 1 stream | LocalLM tok/s, equal lengths only | padded | padded/equal | vs 1 stream |',
);
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const row of rows) console.log(row);
