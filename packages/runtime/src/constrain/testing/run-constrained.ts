import { createPrng } from '../../sampling/prng.js';
import { createSampler } from '../../sampling/sampler.js';
import { maskAllows, maskIsEmpty } from '../grammar-masks.js';
import type { GrammarMatcher } from '../grammar-matcher.js';

/**
 * Samples up to `maxTokens` tokens through `matcher` from seeded random logits (a stand-in for a
 * model that ignores the format entirely), as GenerationTask does. Returns the ids, a final stop id
 * included, and whether the run ended by the budget.
 */
export function runOnRandomLogits(
  matcher: GrammarMatcher,
  fields: {
    vocabSize: number;
    stopIds: readonly number[];
    maxTokens: number;
    seed: number;
    temperature?: number;
  },
): { ids: number[]; finish: 'stop' | 'length' } {
  const random = createPrng(fields.seed);
  const sampler = createSampler({ temperature: fields.temperature ?? 1, topK: 64, seed: fields.seed });
  const logits = new Float32Array(fields.vocabSize);
  const ids: number[] = [];
  while (ids.length < fields.maxTokens) {
    const mask = matcher.mask(fields.maxTokens - ids.length);
    if (matcher.accepting && maskIsEmpty(mask)) return { ids, finish: 'stop' };
    for (let i = 0; i < logits.length; i++) logits[i] = 4 * random();
    const id = sampler.sample(logits, ids, mask);
    if (!maskAllows(mask, id)) throw new Error(`the sampler picked token ${id} outside the mask`);
    matcher.advance(id);
    ids.push(id);
    if (fields.stopIds.includes(id)) return { ids, finish: 'stop' };
  }
  return { ids, finish: 'length' };
}
