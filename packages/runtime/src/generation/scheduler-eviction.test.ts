import { describe, expect, it } from 'vitest';
import { createFakeLM } from './testing/fake-lm.js';

/** Tokens of the multi-token requests (prompt chunks) in `calls`: what prefill computed. */
const promptTokens = (calls: ReadonlyArray<ReadonlyArray<{ tokens: ArrayLike<number> }>>) =>
  calls.flat().reduce((sum, request) => sum + (request.tokens.length > 1 ? request.tokens.length : 0), 0);

describe('prefix cache eviction at admission', () => {
  it('gives up an entry no admitted or waiting request would fork before one that a request is about to', async () => {
    // 4 slots: 3 calls made again next to a cache of 3 entries means one entry must go
    const { lm, engine } = createFakeLM(
      { maxSequences: 4 },
      { prefixCacheSize: 3, sharedPrefixMinTokens: 2 },
    );
    const again = ['abcdefghijkl', 'mnopqrstuvwx'];
    await Promise.all(again.map((p) => lm.complete(p, { maxTokens: 2 })));
    await lm.complete('yz', { maxTokens: 2 }); // the freshest entry, which nobody asks for again
    expect(lm.stats().prefixCacheEntries).toBe(3);
    const before = engine.calls.length;
    const results = await Promise.all([...again, 'zy'].map((p) => lm.complete(p, { maxTokens: 2 })));
    // Least recently used alone released the first prompt's entry (its request was admitted into a free
    // slot, not yet started) and that prompt was computed again: 11 more tokens.
    expect(results.map((r) => r.usage?.cachedPromptTokens)).toEqual([12, 12, 1]);
    expect(promptTokens(engine.calls.slice(before))).toBe(2);
    expect(engine.peakSequences).toBe(4);
  });

  it('still frees a slot when every entry is wanted', async () => {
    const { lm, engine } = createFakeLM(
      { maxSequences: 2 },
      { prefixCacheSize: 1, sharedPrefixMinTokens: 2 },
    );
    await lm.complete('abcdefgh', { maxTokens: 2 });
    const results = await Promise.all(['abcdefgh', 'abcdefgh'].map((p) => lm.complete(p, { maxTokens: 2 })));
    expect(results.map((r) => r.text)).toEqual([results[0]!.text, results[0]!.text]);
    expect(engine.peakSequences).toBe(2);
  });
});
