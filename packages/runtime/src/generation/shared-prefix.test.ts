import { describe, expect, it } from 'vitest';
import { createFakeLM } from './testing/fake-lm.js';

const wholeHistory = (tokens: readonly number[], vocabSize: number) =>
  (tokens.reduce((sum, token, i) => sum + token * (i + 1), 0) % (vocabSize - 4)) + 2;

const prefix = 'the quick brown fox jumps over the lazy dog and then it runs far away '.repeat(3);
const prompts = 'abcdefgh'.split('').map((letter) => `${prefix}${letter}${letter}`);

describe('concurrent calls on a prefix nobody has cached', () => {
  for (const chunk of [512, 16]) {
    it(`prefill the shared prefix once and fork (prefill chunk ${chunk})`, async () => {
      const shared = createFakeLM({ next: wholeHistory, contextLength: 512 }, { prefillChunkSize: chunk });
      const plain = createFakeLM(
        { next: wholeHistory, contextLength: 512 },
        { prefillChunkSize: chunk, prefixCacheSize: 0, sharedPrefixMinTokens: 100_000 },
      );
      const run = (lm: typeof shared.lm) => Promise.all(prompts.map((p) => lm.complete(p, { maxTokens: 5 })));
      const [together, apart] = [await run(shared.lm), await run(plain.lm)];
      expect(together.map((r) => r.tokenIds)).toEqual(apart.map((r) => r.tokenIds));
      const promptTokens = together[0]!.usage!.promptTokens;
      expect(promptTokens).toBeGreaterThan(prefix.length);
      const prefillOf = (engine: typeof shared.engine) =>
        engine.calls.flat().reduce((sum, r) => sum + (r.tokens.length > 1 ? r.tokens.length : 0), 0);
      // apart: every request prefills its whole prompt; together: the prefix once, then ~3 tokens each
      expect(prefillOf(plain.engine)).toBe(8 * promptTokens);
      expect(prefillOf(shared.engine)).toBeLessThanOrEqual(promptTokens + 7 * 4);
      expect(shared.engine.forkCalls).toBe(7);
      // usage says what each call did not compute: the 7 followers' forked prefix, nothing for the leader
      const cached = together.map((r) => r.usage.cachedPromptTokens ?? -1);
      expect(cached[0]).toBe(0);
      expect(8 * promptTokens - cached.reduce((a, b) => a + b, 0)).toBe(prefillOf(shared.engine));
      expect(apart.map((r) => r.usage.cachedPromptTokens)).toEqual(Array(8).fill(0));
    });
  }

  it('falls back to its own prefill when the request it waits on is aborted', async () => {
    const { lm } = createFakeLM(
      { next: wholeHistory, contextLength: 512, delayMs: 2 },
      { prefillChunkSize: 16 },
    );
    const controller = new AbortController();
    const leader = lm.complete(prompts[0]!, { maxTokens: 5, signal: controller.signal });
    const follower = lm.complete(prompts[1]!, { maxTokens: 5 });
    setTimeout(() => controller.abort(), 5);
    await expect(leader).rejects.toThrow();
    const expected = createFakeLM({ next: wholeHistory, contextLength: 512 }, { prefixCacheSize: 0 });
    expect((await follower).tokenIds).toEqual(
      (await expected.lm.complete(prompts[1]!, { maxTokens: 5 })).tokenIds,
    );
  });

  it('forks a request that holds its prefix now rather than wait a step to share a few tokens more', async () => {
    const options = { prefixCacheSize: 0, sharedPrefixMinTokens: 8 };
    const { lm, engine } = createFakeLM({ next: wholeHistory, contextLength: 512 }, options);
    const head = 'the quick brown fox jumps over ';
    // the third prompt shares 5 more tokens with the second than with the first
    const texts = [`${head}a`, `${head}bcd x`, `${head}bcd y`];
    const results = await Promise.all(texts.map((p) => lm.complete(p, { maxTokens: 3 })));
    // step 1: the first prompt alone; step 2: its decode and both others' suffixes, forked from it
    expect(engine.calls[0]!.map((r) => r.tokens.length)).toEqual([1 + head.length + 1]);
    expect(engine.calls[1]!.map((r) => r.tokens.length)).toEqual([1, 5, 5]);
    expect(engine.forkCalls).toBe(2);
    const alone = createFakeLM({ next: wholeHistory, contextLength: 512 }, { prefixCacheSize: 0 });
    for (const [i, text] of texts.entries())
      expect(results[i]!.tokenIds).toEqual((await alone.lm.complete(text, { maxTokens: 3 })).tokenIds);
  });
});
