import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedModelsDir } from '../gguf/shared-models-dir.js';
import { loadLM } from '../reference/load-lm.js';
import type { SchedulerOptions } from './scheduler.js';

const modelPath = path.join(sharedModelsDir, 'stories260K.gguf');

async function load(options: SchedulerOptions) {
  const lm = await loadLM(modelPath, { contextLength: 256, ...options });
  const engine = lm.engine;
  let prefilled = 0;
  const forward = engine.forward.bind(engine);
  engine.forward = (batch, signal) => {
    for (const request of batch) if (request.logitsFor === 'last') prefilled += request.tokens.length - 1;
    return forward(batch, signal);
  };
  return { lm, prefilled: () => prefilled };
}

const stem =
  'Once upon a time, there was a little girl named Lily. She liked to play in the park with her dog. One day,';
const endings = [
  ' Lily saw',
  ' the dog ran',
  ' a bird sang',
  ' her mom said',
  ' it was sunny',
  ' they found',
];

describe('concurrent calls on an uncached shared prefix (reference engine, stories260K)', () => {
  it('prefill the stem once and give the tokens of separate cold runs', async () => {
    const shared = await load({ prefillChunkSize: 32 });
    const plain = await load({ prefillChunkSize: 32, prefixCacheSize: 0, sharedPrefixMinTokens: 10_000 });
    const ask = (lm: typeof shared.lm) =>
      Promise.all(endings.map((ending) => lm.complete(stem + ending, { maxTokens: 12 })));
    const together = await ask(shared.lm);
    const apart = await ask(plain.lm);
    expect(together.map((r) => r.tokenIds)).toEqual(apart.map((r) => r.tokenIds));
    const stemTokens = together[0]!.usage!.promptTokens - 3;
    expect(stemTokens).toBeGreaterThan(20);
    // five of the six requests skip the stem: at least 5 × 20 fewer prompt tokens run
    expect(shared.prefilled()).toBeLessThan(plain.prefilled() - 5 * 20);
    await shared.lm.dispose();
    await plain.lm.dispose();
  });
});
