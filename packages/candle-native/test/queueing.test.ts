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
      expect(lm.stats().kvSlotsInUse).toBeLessThanOrEqual(4);
      for (const [i, prompt] of prompts.entries()) {
        const solo = await lm.complete(prompt, options);
        expect(results[i]!.tokenIds).toEqual(solo.tokenIds);
      }
    } finally {
      await lm.dispose();
    }
  });
});
