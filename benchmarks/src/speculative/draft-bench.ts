// `pnpm bench:draft`: speculative decoding with a draft model (issue #15) on the native engine.
// --draft picks the draft: a weight type (default Q8_0: the same synthetic weights, seed and shape,
// quantized harder, so a smaller file that mostly agrees with the target) or `layers:N` (the target's
// first N blocks, keepFirstLayers: same vocabulary, embeddings and head). Greedy decode tok/s with the
// draft against without, the acceptance rate, and whether the tokens are identical. The synthetic
// weights are random: the acceptance rate says how the machinery performs at that rate, not what a
// real draft/target pair reaches.
import { existsSync } from 'node:fs';
import { loadLM } from '@x/candle-native';
import type { LMResult } from '@x/core';
import { keepFirstLayers } from '@x/runtime';
import { ensureModel } from '../ensure-model.ts';

const argv = process.argv.slice(2);
const option = (flag: string, fallback: string) => {
  const index = argv.indexOf(flag);
  return index >= 0 ? argv[index + 1]! : fallback;
};
const threads = Number(option('--threads', '2'));
const gen = Number(option('--gen', '64'));
const draftOption = option('--draft', 'Q8_0');
const draftTokens = Number(option('--draft-tokens', '4'));
const shape = option('--shape', 'smollm2-135m');
const type = option('--type', 'F16');
const model = await ensureModel({ shape, type });
let draftPath: string;
let draftName: string;
if (draftOption.startsWith('layers:')) {
  const layers = Number(draftOption.slice('layers:'.length));
  draftPath = model.replace(/\.gguf$/, `-${layers}-layers.gguf`);
  draftName = `its first ${layers} layers`;
  if (!existsSync(draftPath)) await keepFirstLayers(model, draftPath, layers);
} else {
  draftPath = await ensureModel({ shape, type: draftOption });
  draftName = `the same weights in ${draftOption}`;
}

const prompts = [
  'Once upon a time, in a small village by the sea, there lived an old fisherman who',
  'Question: How much are 7 bananas at 0.25 each?\nReasoning: Let us think step by step.',
  'The three primary colours are red, yellow and blue. Mixing red and blue gives',
];
const common = { threads, contextLength: 2048, prefixCacheSize: 0, promptLookupMaxBatch: 0 } as const;

async function decode(draft: boolean) {
  const lm = await loadLM(
    model,
    draft ? { ...common, draftModel: draftPath, draftModelTokens: draftTokens } : common,
  );
  await lm.complete(prompts[0]!, { maxTokens: 4 });
  const results: LMResult[] = [];
  for (const prompt of prompts) results.push(await lm.complete(prompt, { maxTokens: gen, temperature: 0 }));
  const stats = lm.stats();
  await lm.dispose();
  return { results, stats };
}

const plain = await decode(false);
const fast = await decode(true);
const draftAlone = await loadLM(draftPath, common);
const draftRate = (await draftAlone.complete(prompts[0]!, { maxTokens: gen, temperature: 0 })).timings
  .tokensPerSecond;
await draftAlone.dispose();

const rate = (results: LMResult[]) => {
  const tokens = results.reduce((sum, r) => sum + r.usage.completionTokens, 0);
  const seconds = results.reduce((sum, r) => sum + r.usage.completionTokens / r.timings.tokensPerSecond, 0);
  return tokens / seconds;
};
const same = fast.results.every(
  (r, i) => JSON.stringify(r.tokenIds) === JSON.stringify(plain.results[i]!.tokenIds),
);
console.log(
  [
    `model ${model}, draft: ${draftName} (${draftPath}), ${threads} threads, ${gen} new tokens × ${prompts.length} prompts, ${draftTokens} draft tokens per step`,
    `draft: decode ${rate(fast.results).toFixed(1)} tok/s with the draft model, ${rate(plain.results).toFixed(1)} without ` +
      `(${(rate(fast.results) / rate(plain.results)).toFixed(2)}×); acceptance ${(fast.stats.draftAcceptanceRate * 100).toFixed(1)}% ` +
      `(${fast.stats.acceptedDraftTokens}/${fast.stats.draftedTokens}); draft model alone ${draftRate.toFixed(1)} tok/s; identical tokens: ${same}`,
  ].join('\n'),
);
