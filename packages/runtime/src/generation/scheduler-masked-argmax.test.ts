import path from 'node:path';
import { ChatAdapter, grammar, Signature } from '@x/core';
import { describe, expect, it } from 'vitest';
import { GrammarMasks } from '../constrain/grammar-masks.js';
import { GrammarMatcher } from '../constrain/grammar-matcher.js';
import { TokenVocabulary } from '../constrain/token-vocabulary.js';
import { createSampler } from '../sampling/sampler.js';
import { loadTokenizer } from '../tokenizer/load-tokenizer.js';
import { vocabDir } from '../tokenizer/testing/vocab-dir.js';
import { engineMask } from './engine-mask.js';
import { GenerationTask } from './generation-task.js';
import { LocalLM } from './local-lm.js';
import { FakeEngine } from './testing/fake-engine.js';

const tokenizerPath = path.join(vocabDir, 'ggml-vocab-llama-spm.gguf');

describe('constrained greedy steps through Engine.forwardArgmax with masks', () => {
  it("a ChatAdapter call's grammar goes to the engine as each row's mask, with the same tokens as with logits", async () => {
    const tokenizer = await loadTokenizer(tokenizerPath);
    const signature = Signature.from('question -> answer, confidence: float');
    // An engine vocabulary wider than the tokenizer's: masks are padded to the engine's width.
    const run = async (engineArgmax: boolean, promptLookupMaxBatch = 0) => {
      const engine = new FakeEngine({
        vocabSize: tokenizer.vocabSize + 40,
        contextLength: 4096,
        argmax: true,
      });
      const options = {
        chatTemplate: 'chatml',
        engineArgmax,
        prefixCacheSize: 0,
        promptLookupMaxBatch,
        // drafts wherever the context matches, not where measured timings say they pay (a busy machine's say no)
        promptLookupVerifyCostPerToken: 0,
      } as const;
      const lm = new LocalLM({ engine, tokenizer, ...options });
      const outcome = await new ChatAdapter({ fallbackToJSON: false }).call(
        lm,
        signature,
        [],
        { question: 'What is 2 + 3?' },
        { maxTokens: 40 },
      );
      return { engine, result: outcome.result };
    };
    const masked = await run(true);
    const plain = await run(false);
    expect(plain.engine.argmaxCalls).toBe(0);
    expect(masked.result.tokenIds).toEqual(plain.result.tokenIds);
    expect(masked.result.text).toBe(plain.result.text);
    expect(masked.result.tokenIds!.length).toBeGreaterThan(5);
    // Every step is an argmax step (no prompt lookup here) whose row carried a mask of the engine's width.
    expect(masked.engine.argmaxCalls).toBe(masked.engine.calls.length);
    const allowed = masked.engine.argmaxAllowed.flat();
    expect(allowed.length).toBe(masked.engine.argmaxCalls);
    const words = Math.ceil((tokenizer.vocabSize + 40) / 32);
    expect(allowed.every((mask) => mask !== undefined && mask.length === words)).toBe(true);
    // With prompt lookup on, steps whose constrained row has a draft are argmax steps too, with one
    // mask per row; the tokens stay the same.
    const drafted = await run(true, 2);
    expect(drafted.result.tokenIds).toEqual(plain.result.tokenIds);
    expect(drafted.engine.argmaxCalls).toBeGreaterThan(0);
    expect(drafted.engine.calls.some((call) => call.some((request) => request.logitsFor === 'all'))).toBe(
      true,
    );
    expect(drafted.engine.argmaxCalls).toBe(drafted.engine.calls.length);
    expect(drafted.engine.argmaxAllowed.flat().some(Array.isArray)).toBe(true);
  });

  it("a literal grammar's call gives the same result with masks as with logits", async () => {
    const tokenizer = await loadTokenizer(tokenizerPath);
    const constraint = { name: 'yes', grammar: grammar.literal('yes') };
    const run = async (engineArgmax: boolean) => {
      const engine = new FakeEngine({ vocabSize: tokenizer.vocabSize, contextLength: 512, argmax: true });
      const lm = new LocalLM({ engine, tokenizer, chatTemplate: 'chatml', engineArgmax, prefixCacheSize: 0 });
      return { engine, result: await lm.complete('Say yes', { maxTokens: 10, constraint }) };
    };
    const masked = await run(true);
    const plain = await run(false);
    expect(masked.result.text).toBe('yes');
    expect(masked.result).toEqual({ ...plain.result, timings: expect.anything() });
    expect(masked.engine.argmaxCalls).toBeGreaterThan(0);
  });

  it('acceptArgmax advances the grammar, ends on a finished grammar with no stop id, and refuses -1', () => {
    // Tokens: 0 'a', 1 'b', 2 'ab', 3 'c'; no stop ids, so the finished grammar's mask is empty.
    const bytes = ['a', 'b', 'ab', 'c'].map((text) => new TextEncoder().encode(text));
    const vocabulary = new TokenVocabulary({ size: 4, tokenBytes: bytes, stopIds: [] });
    const masks = new GrammarMasks(grammar.literal('ab'), vocabulary);
    const task = () =>
      new GenerationTask({
        promptTokens: [1],
        maxTokens: 8,
        sampler: createSampler({}),
        constraint: new GrammarMatcher(masks),
        stopIds: new Set(),
        decoder: { push: () => '', flush: () => '' },
      });
    const a = task();
    expect(a.argmaxOnly).toBe(false);
    expect(a.argmaxWithMask).toBe(true);
    expect(Array.from(a.allowedTokens()!)).toEqual([0b101]);
    // A token the grammar refuses fails as accept's advance does; -1 (an empty mask) is refused.
    expect(() => a.acceptArgmax(3)).toThrow(/does not fit the grammar/);
    const b = task();
    b.allowedTokens();
    expect(() => b.acceptArgmax(-1)).toThrow(RangeError);
    const c = task();
    c.allowedTokens();
    expect(c.acceptArgmax(0)).toBe(false);
    expect(Array.from(c.allowedTokens()!)).toEqual([0b10]);
    expect(c.acceptArgmax(1)).toBe(false);
    // Done: the empty mask ends the task without taking the engine's id.
    expect(Array.from(c.allowedTokens()!)).toEqual([0]);
    expect(c.acceptArgmax(-1)).toBe(true);
    expect(c.tokenIds).toEqual([0, 1]);
    expect(c.finishReason).toBe('stop');
    // Without allowedTokens first, acceptArgmax computes the mask itself.
    const d = task();
    expect(d.acceptArgmax(2)).toBe(false);
    expect(d.acceptArgmax(-1)).toBe(true);
    expect(createSampler({}).sample(Float32Array.of(0, 0, 1, 5), [], Uint32Array.of(0b101))).toBe(2);
  });

  it('engineMask pads a narrow mask once and passes a wide one through', () => {
    const mask = Uint32Array.of(5, 7);
    expect(engineMask(mask, 64)).toBe(mask);
    const wide = engineMask(mask, 100);
    expect(Array.from(wide)).toEqual([5, 7, 0, 0]);
    expect(engineMask(mask, 100)).toBe(wide);
  });
});
