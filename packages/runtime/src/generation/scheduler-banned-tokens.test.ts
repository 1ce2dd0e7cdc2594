import path from 'node:path';
import { ChatAdapter, grammar, type SamplingOptions, Signature } from '@x/core';
import { describe, expect, it } from 'vitest';
import type { TokenAllowance } from '../engine/engine.js';
import { loadTokenizer } from '../tokenizer/load-tokenizer.js';
import { vocabDir } from '../tokenizer/testing/vocab-dir.js';
import { LocalLM } from './local-lm.js';
import { FakeEngine } from './testing/fake-engine.js';
import { createFakeLM } from './testing/fake-lm.js';

// These calls' masks are one bitset per request (no grammar with drafts).
const hasBit = (mask: TokenAllowance, id: number) =>
  (((mask as Uint32Array)[id >>> 5]! >>> (id & 31)) & 1) === 1;

describe('greedy calls whose logit bias only bans tokens take masked argmax steps', () => {
  // Fake vocabulary: 'a' = 2 … 'z' = 27; the fake model favours the next letter.
  const prompts = ['a', 'h', 'p'];
  const run = async (bias: Record<number, number>, engineArgmax: boolean, extra: SamplingOptions = {}) => {
    const { lm, engine } = createFakeLM({ argmax: true }, { prefixCacheSize: 0, engineArgmax });
    const results = await Promise.all(
      prompts.map((p) => lm.complete(p, { maxTokens: 6, logitBias: bias, ...extra })),
    );
    return { engine, results };
  };

  it.each([
    ['-100', -100],
    ['-1e9', -1e9],
    ['-Infinity', Number.NEGATIVE_INFINITY],
  ])(
    'bans of %s: every step an argmax with the bans masked out, the same tokens as with logits',
    async (_, value) => {
      // 'd' (5) and 'k' (12) are favoured on the way from 'a' and 'h', and banned.
      const bias = { 5: value, 12: value };
      const masked = await run(bias, true);
      const plain = await run(bias, false);
      expect(masked.results).toEqual(plain.results.map((r) => ({ ...r, timings: expect.anything() })));
      expect(masked.results[0]!.tokenIds).not.toContain(5);
      expect(masked.results[1]!.tokenIds).not.toContain(12);
      expect(plain.engine.argmaxCalls).toBe(0);
      expect(masked.engine.argmaxCalls).toBe(masked.engine.calls.length);
      // The three calls share their steps: one prompt step, then decode steps of up to three rows.
      expect(masked.engine.calls[1]!.length).toBe(3);
      const masks = masked.engine.argmaxAllowed.flat();
      expect(masks.length).toBe(masked.engine.calls.flat().length);
      for (const mask of masks) {
        expect(mask).toBeDefined();
        expect([hasBit(mask!, 5), hasBit(mask!, 12), hasBit(mask!, 6)]).toEqual([false, false, true]);
      }
    },
  );

  it.each([
    ['a finite bias above the threshold', { 5: -99 }],
    ['a ban beside another bias', { 5: -100, 7: 0.5 }],
  ])('%s reads logits', async (_, bias) => {
    const { engine } = await run(bias, true);
    expect(engine.argmaxCalls).toBe(0);
  });

  it('verifies prompt-lookup drafts with the ban mask on every row: the same tokens as without drafts', async () => {
    const next = (tokens: readonly number[]) => ((tokens[tokens.length - 1] ?? 0) % 5) + 2;
    const options = { maxTokens: 20, logitBias: { 4: -100 } };
    const { lm, engine } = createFakeLM(
      { argmax: true, next },
      { prefixCacheSize: 0, promptLookupVerifyCostPerToken: 0 },
    );
    const { lm: off } = createFakeLM({ next }, { prefixCacheSize: 0, promptLookupMaxBatch: 0 });
    const drafted = await lm.complete('abdeabde', options);
    expect(drafted.tokenIds).toEqual((await off.complete('abdeabde', options)).tokenIds);
    expect(drafted.tokenIds).not.toContain(4);
    expect(lm.stats().acceptedDraftTokens).toBeGreaterThan(0);
    expect(engine.calls.some((call) => call.some((request) => request.logitsFor === 'all'))).toBe(true);
    expect(engine.argmaxCalls).toBe(engine.calls.length);
  });

  it("a ChatAdapter call with EOS banned (the optimiser benchmark's calls): grammar and ban in one mask, the same tokens", async () => {
    const tokenizer = await loadTokenizer(path.join(vocabDir, 'ggml-vocab-llama-spm.gguf'));
    const signature = Signature.from('question -> answer');
    const eos = tokenizer.eosId!;
    const call = async (engineArgmax: boolean) => {
      const engine = new FakeEngine({ vocabSize: tokenizer.vocabSize, contextLength: 4096, argmax: true });
      // No prompt lookup: a constrained row with a draft reads logits (a grammar's mask is per row).
      const options = { chatTemplate: 'chatml', engineArgmax, prefixCacheSize: 0, promptLookupMaxBatch: 0 };
      const lm = new LocalLM({ engine, tokenizer, ...options });
      const outcome = await new ChatAdapter({ fallbackToJSON: false }).call(
        lm,
        signature,
        [],
        { question: 'What is 2 + 3?' },
        { maxTokens: 30, temperature: 0, logitBias: { [eos]: -1e9 } },
      );
      return { engine, result: outcome.result };
    };
    const masked = await call(true);
    const plain = await call(false);
    expect(masked.result.tokenIds).toEqual(plain.result.tokenIds);
    expect(masked.result.text).toBe(plain.result.text);
    expect(masked.result.tokenIds!.length).toBeGreaterThan(5);
    expect(masked.engine.argmaxCalls).toBe(masked.engine.calls.length);
    for (const mask of masked.engine.argmaxAllowed.flat()) expect(hasBit(mask!, eos)).toBe(false);
  });

  it('a step where the bans leave no token reads logits, where the bias is added as usual', async () => {
    const tokenizer = await loadTokenizer(path.join(vocabDir, 'ggml-vocab-llama-spm.gguf'));
    const eos = tokenizer.eosId!;
    const constraint = { name: 'yes', grammar: grammar.literal('yes') };
    const call = async (engineArgmax: boolean) => {
      const engine = new FakeEngine({ vocabSize: tokenizer.vocabSize, contextLength: 512, argmax: true });
      const lm = new LocalLM({ engine, tokenizer, chatTemplate: 'chatml', engineArgmax, prefixCacheSize: 0 });
      const result = await lm.complete('Say yes', { maxTokens: 10, constraint, logitBias: { [eos]: -1e9 } });
      return { engine, result };
    };
    const masked = await call(true);
    const plain = await call(false);
    // After "yes" the grammar allows only EOS, which the ban leaves out: that step reads logits and ends.
    expect(masked.result.text).toBe('yes');
    expect(masked.result).toEqual({ ...plain.result, timings: expect.anything() });
    expect(masked.result.tokenIds!.at(-1)).toBe(eos);
    expect(masked.engine.argmaxCalls).toBe(masked.engine.calls.length - 1);
  });
});
