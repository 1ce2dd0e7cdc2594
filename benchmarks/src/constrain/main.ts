// `pnpm bench:constrain`: what constrained decoding costs per token. Mask cost on real 32k and 152k
// vocabularies as a share of native decode time on a model of that vocabulary size, and end-to-end
// decode speed with and without the same JSON-schema grammar on our engine and node-llama-cpp.
import os from 'node:os';
import path from 'node:path';
import { loadTokenizer } from '@x/runtime';
import { sharedModelsDir } from '@x/runtime/testing';
import { ensureModel } from '../ensure-model.ts';
import { measureLlamaCpp, measureNative } from './decode-overhead.ts';
import { measureMaskCost } from './mask-cost.ts';

const argv = process.argv.slice(2);
const option = (flag: string, fallback: string) => {
  const index = argv.indexOf(flag);
  return index >= 0 ? argv[index + 1]! : fallback;
};
const threads = Number(option('--threads', '2'));
const tokens = Number(option('--gen', '48'));

const cases = [
  {
    vocabulary: path.join(sharedModelsDir, 'llama.cpp-vocab/ggml-vocab-llama-spm.gguf'),
    model: { shape: 'tinyllama-1.1b', type: 'Q4_K' },
  },
  {
    vocabulary: path.join(sharedModelsDir, 'tokenizers/qwen2-bpe'),
    model: { shape: 'qwen2.5-0.5b', type: 'Q8_0' },
  },
];

const rows: string[] = [];
for (const { vocabulary, model } of cases) {
  const cost = measureMaskCost(await loadTokenizer(vocabulary));
  const file = await ensureModel(model);
  const native = await measureNative(file, threads, tokens);
  const llamaCpp = await measureLlamaCpp(file, threads, tokens);
  const decodeMicros = 1e6 / native.freeTokensPerSecond;
  const overhead = (r: typeof native) =>
    `${((r.freeTokensPerSecond / r.constrainedTokensPerSecond - 1) * 100).toFixed(1)}%`;
  rows.push(
    `| ${(cost.vocabSize / 1000).toFixed(0)}k (${path.basename(vocabulary)}) | ${model.shape} ${model.type} | ` +
      `${cost.compileMs.toFixed(0)} | ${cost.coldMicros.toFixed(0)} | ${cost.warmMicros.toFixed(0)} | ` +
      `${decodeMicros.toFixed(0)} | **${((100 * cost.warmMicros) / decodeMicros).toFixed(2)}%** | ` +
      `${native.freeTokensPerSecond.toFixed(1)} → ${native.constrainedTokensPerSecond.toFixed(1)} (${overhead(native)}) | ` +
      `${llamaCpp.freeTokensPerSecond.toFixed(1)} → ${llamaCpp.constrainedTokensPerSecond.toFixed(1)} (${overhead(llamaCpp)}) |`,
  );
  process.stderr.write(`${rows.at(-1)}\n`);
}

console.log(
  [
    `Machine: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} logical cores; threads ${threads}; ` +
      `${tokens} greedy tokens per decode run.`,
    '',
    '| vocabulary | native model (synthetic) | grammar compile ms | mask µs/token, cold | mask µs/token, warm | native decode µs/token | warm mask share of decode | x tok/s free → schema (overhead) | node-llama-cpp tok/s free → schema (overhead) |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n'),
);
