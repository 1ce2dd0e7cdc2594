import { llamaCppGreedy } from '@x/runtime/testing/llama-cpp';
import { describe, expect, it } from 'vitest';
import { loadLM } from '../src/lm/load-lm.js';
import { storiesPath } from './support/paths.js';

describe('loadLM on stories260K', () => {
  it("completes 'Once upon a time' greedily like node-llama-cpp", async () => {
    const lm = await loadLM(storiesPath, { threads: 1, contextLength: 256, kvType: 'f32' });
    try {
      expect(lm.contextLength).toBe(256);
      expect(lm.id).toContain('candle-native');
      const result = await lm.complete('Once upon a time', { maxTokens: 64, temperature: 0 });
      const generated = result.tokenIds ?? [];
      expect(generated.length).toBeGreaterThan(0);
      expect(result.usage.completionTokens).toBe(generated.length);
      const prompt = lm.tokenizer.encode('Once upon a time', { addSpecial: true });
      expect(result.usage.promptTokens).toBe(prompt.length);
      const expected = await llamaCppGreedy(storiesPath, prompt, 64);
      const stop = expected.findIndex((id) => lm.tokenizer.stopIds.has(id));
      expect(generated).toEqual(stop < 0 ? expected : expected.slice(0, stop));
      expect(result.text).toBe(lm.tokenizer.decode(generated, { skipSpecial: true }));
      const [together, other] = await Promise.all([
        lm.complete('Once upon a time', { maxTokens: 64, temperature: 0 }),
        lm.complete('The cat sat', { maxTokens: 16, temperature: 0 }),
      ]);
      expect(together.tokenIds).toEqual(generated);
      expect(other.tokenIds?.length).toBeGreaterThan(0);
    } finally {
      await lm.dispose();
    }
  });
});
