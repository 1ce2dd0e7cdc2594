import { describe, expect, it } from 'vitest';
import type { FakeEngine } from './testing/fake-engine.js';
import { createFakeLM } from './testing/fake-lm.js';

const wholeHistory = (tokens: readonly number[], vocabSize: number) =>
  (tokens.reduce((sum, token, i) => sum + token * (i + 1), 0) % (vocabSize - 4)) + 2;
const drafted = (engine: FakeEngine) => engine.calls.flat().filter((r) => r.logitsFor === 'all');

describe('prompt-lookup speculative decoding', () => {
  it('accepts drafts copied from the prompt: same tokens, fewer forward calls', async () => {
    const prompt = 'abcdefghijklmnopqrab';
    const on = createFakeLM({}, { prefixCacheSize: 0 });
    const off = createFakeLM({}, { prefixCacheSize: 0, promptLookupMaxBatch: 0 });
    const fast = await on.lm.complete(prompt, { maxTokens: 16 });
    const plain = await off.lm.complete(prompt, { maxTokens: 16 });
    expect(fast.tokenIds).toEqual(plain.tokenIds);
    expect(fast.finishReason).toBe('length');
    expect(drafted(on.engine).length).toBeGreaterThan(0);
    expect(drafted(off.engine)).toEqual([]);
    expect(on.engine.calls.length).toBeLessThan(off.engine.calls.length / 3);
    // every drafted token was right and none was drafted past maxTokens: no wasted work
    expect(on.engine.forwardedTokens).toBe(off.engine.forwardedTokens);
  });

  it('rolls back rejected drafts and matches plain greedy when drafts mostly miss', async () => {
    const prompts = ['abcabcabcabcab', 'xyzxyzqxyzxy', 'hello hello hello hel'];
    for (const prompt of prompts) {
      const on = createFakeLM({ next: wholeHistory }, { prefixCacheSize: 0 });
      const off = createFakeLM({ next: wholeHistory }, { prefixCacheSize: 0, promptLookupMaxBatch: 0 });
      const a = await on.lm.complete(prompt, { maxTokens: 28 });
      const b = await off.lm.complete(prompt, { maxTokens: 28 });
      expect(a.tokenIds).toEqual(b.tokenIds);
      expect(a.text).toBe(b.text);
      expect(drafted(on.engine).length).toBeGreaterThan(0);
    }
  });

  it('keeps greedy output when copies slip, with fewer forward calls', async () => {
    // a model that repeats what came five tokens back, except at every seventh position
    const copyWithSlips = (tokens: readonly number[], vocabSize: number) =>
      tokens.length % 7 === 0 ? ((tokens.at(-1)! * 3 + 1) % (vocabSize - 4)) + 2 : tokens[tokens.length - 5]!;
    const prompt = 'abcdeabcdeabcde';
    const on = createFakeLM(
      { next: copyWithSlips },
      { prefixCacheSize: 0, promptLookupVerifyCostPerToken: 0.1 },
    );
    const off = createFakeLM({ next: copyWithSlips }, { prefixCacheSize: 0, promptLookupMaxBatch: 0 });
    const a = await on.lm.complete(prompt, { maxTokens: 60 });
    const b = await off.lm.complete(prompt, { maxTokens: 60 });
    expect(a.tokenIds).toEqual(b.tokenIds);
    const stats = on.lm.stats();
    expect(stats.acceptedDraftTokens).toBeGreaterThan(0);
    expect(stats.acceptedDraftTokens).toBeLessThan(stats.draftedTokens);
    expect(on.engine.calls.length).toBeLessThan(off.engine.calls.length * 0.7);
  });

  it('stops inside an accepted draft at a stop string and at maxTokens', async () => {
    const prompt = 'abcdefghijklmnopqrab';
    for (const options of [{ maxTokens: 5 }, { maxTokens: 30, stop: ['hij'] }]) {
      const on = createFakeLM({}, { prefixCacheSize: 0 });
      const off = createFakeLM({}, { prefixCacheSize: 0, promptLookupMaxBatch: 0 });
      const a = await on.lm.complete(prompt, options);
      const b = await off.lm.complete(prompt, options);
      expect(a).toMatchObject({ text: b.text, tokenIds: b.tokenIds, finishReason: b.finishReason });
    }
  });

  it('stays off for sampled requests and for busy batches', async () => {
    const prompt = 'abcdefghijklmnopqrab';
    const sampled = createFakeLM({}, { prefixCacheSize: 0 });
    await sampled.lm.complete(prompt, { maxTokens: 8, temperature: 0.8, seed: 1 });
    expect(drafted(sampled.engine)).toEqual([]);
    const busy = createFakeLM({}, { prefixCacheSize: 0, promptLookupMaxBatch: 2 });
    const prompts = ['abcdefgab', 'bcdefghbc', 'cdefghicd', 'defghijde'];
    await Promise.all(prompts.map((p) => busy.lm.complete(p, { maxTokens: 3 })));
    // three or four decode together: no drafts until only two remain, and these finish on the same step
    expect(drafted(busy.engine)).toEqual([]);
  });
});
