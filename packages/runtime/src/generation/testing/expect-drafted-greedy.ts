import { expect } from 'vitest';
import type { LocalLM } from '../local-lm.js';

/**
 * Asserts that an LM decoding with a draft model gives the same greedy tokens as the same model
 * without one: each prompt alone, then two at once (both drafting, one batched draft call per
 * token). Returns the drafting LM's stats for acceptance checks.
 */
export async function expectDraftedGreedy(
  drafted: LocalLM,
  plain: LocalLM,
  prompts: readonly string[],
): Promise<ReturnType<LocalLM['stats']>> {
  for (const prompt of prompts) {
    const withDraft = await drafted.complete(prompt, { maxTokens: 40 });
    const without = await plain.complete(prompt, { maxTokens: 40 });
    expect(withDraft.tokenIds).toEqual(without.tokenIds);
  }
  const together = await Promise.all(prompts.slice(0, 2).map((p) => drafted.complete(p, { maxTokens: 24 })));
  for (const [i, result] of together.entries()) {
    expect(result.tokenIds).toEqual((await plain.complete(prompts[i]!, { maxTokens: 24 })).tokenIds);
  }
  return drafted.stats();
}
