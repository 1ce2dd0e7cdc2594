import { describe, expect, it } from 'vitest';
import { loadLM } from '../src/lm/load-lm.js';
import { storiesPath } from './support/paths.js';

const words = ['Once', 'The', 'A', 'Tom', 'Lily', 'One day', 'She', 'He'];

describe('more requests than KV slots', () => {
  it('40 simultaneous calls on 16 slots all succeed, each with its solo tokens', async () => {
    const lm = await loadLM(storiesPath, { threads: 1, contextLength: 128, kvType: 'f32' });
    try {
      const prompts = Array.from({ length: 40 }, (_, i) => `${words[i % words.length]} ${i}`);
      const options = { maxTokens: 8, temperature: 0 };
      const results = await Promise.all(prompts.map((prompt) => lm.complete(prompt, options)));
      expect(lm.stats()).toMatchObject({ queueDepth: 0, activeRequests: 0, kvSlots: 16 });
      // only the prefix cache still holds slots, one always left free for new work
      const { kvSlotsInUse, prefixCacheEntries } = lm.stats();
      expect(kvSlotsInUse).toBe(prefixCacheEntries);
      expect(kvSlotsInUse).toBeLessThanOrEqual(15);
      for (const [i, prompt] of prompts.entries()) {
        const solo = await lm.complete(prompt, options);
        expect(results[i]!.tokenIds).toEqual(solo.tokenIds);
      }
    } finally {
      await lm.dispose();
    }
  });

  it('admits by the KV bytes requests hold now and stays within the budget (the engine reports its bytes per token)', async () => {
    // stories260K: 5 layers × K and V × 4 kv heads × 8 dims × 4 bytes (f32 KV)
    const budget = 1280 * 30;
    const lm = await loadLM(storiesPath, {
      threads: 1,
      contextLength: 128,
      kvType: 'f32',
      kvMemoryBytes: budget,
    });
    try {
      expect(lm.engine.info.kvBytesPerToken).toBe(1280);
      const calls = Array.from({ length: 10 }, (_, i) =>
        lm.complete(`${words[i % words.length]}`, { maxTokens: 8 }),
      );
      const stats = lm.stats();
      // a prompt of 2-3 tokens is admitted by what it holds, not by prompt + maxTokens
      expect(stats.activeRequests).toBeGreaterThan(3);
      expect(stats.kvBytesReserved).toBeLessThanOrEqual(budget);
      expect(stats.queueDepth).toBe(10 - stats.activeRequests);
      expect(
        (await Promise.all(calls)).every(
          (result) => result.tokenIds?.length === 8 || result.finishReason === 'stop',
        ),
      ).toBe(true);
      expect(lm.stats().preemptions).toBeGreaterThan(0);
    } finally {
      await lm.dispose();
    }
  });
});
