import type { GenerateOptions } from '@x/core';
import { expect } from 'vitest';
import type { LocalLM } from '../local-lm.js';

/**
 * Asserts that an LM whose KV budget forces preemptions gives, for prompts run all at once, the
 * same tokens, text and finish reasons as an LM without a budget. Returns the tight LM's stats.
 */
export async function expectPreemptedSame(
  tight: LocalLM,
  free: LocalLM,
  prompts: readonly string[],
  options: (index: number) => GenerateOptions,
): Promise<ReturnType<LocalLM['stats']>> {
  const run = (lm: LocalLM) => Promise.all(prompts.map((prompt, i) => lm.complete(prompt, options(i))));
  const [squeezed, roomy] = [await run(tight), await run(free)];
  const view = (r: (typeof roomy)[number]) => ({
    tokenIds: r.tokenIds,
    text: r.text,
    finishReason: r.finishReason,
  });
  expect(squeezed.map(view)).toEqual(roomy.map(view));
  const stats = tight.stats();
  expect(stats.preemptions).toBeGreaterThan(0);
  expect(stats.recomputedTokens).toBeGreaterThan(0);
  expect(free.stats().preemptions).toBe(0);
  return stats;
}
