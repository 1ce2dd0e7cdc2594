import path from 'node:path';
import { ChatAdapter, grammar, Signature } from '@x/core';
import { describe, expect, it } from 'vitest';
import { GrammarMasks, soleToken } from '../constrain/grammar-masks.js';
import { GrammarMatcher } from '../constrain/grammar-matcher.js';
import { TokenVocabulary } from '../constrain/token-vocabulary.js';
import { createSampler } from '../sampling/sampler.js';
import { loadTokenizer } from '../tokenizer/load-tokenizer.js';
import { vocabDir } from '../tokenizer/testing/vocab-dir.js';
import { GenerationTask } from './generation-task.js';
import { LocalLM } from './local-lm.js';
import { Scheduler } from './scheduler.js';
import { FakeEngine } from './testing/fake-engine.js';

const tokenizerPath = path.join(vocabDir, 'ggml-vocab-llama-spm.gguf');

describe('tokens a grammar forces go in without a step each (feedForcedTokens)', () => {
  it('soleToken finds the one allowed token, and nothing for none or several', () => {
    expect(soleToken(Uint32Array.of(0, 0b1000, 0))).toBe(35);
    expect(soleToken(Uint32Array.of(0x80000000))).toBe(31);
    expect(soleToken(Uint32Array.of(0, 0))).toBeUndefined();
    expect(soleToken(Uint32Array.of(0b11))).toBeUndefined();
    expect(soleToken(Uint32Array.of(1, 1))).toBeUndefined();
  });

  it('acceptForced takes the forced tokens and a finished grammar, and nothing where the grammar has a choice', () => {
    // Tokens: 0 'a', 1 'b', 2 'ab', 3 'c'; no stop ids. literal('abc'): 'a' or 'ab' first.
    const bytes = ['a', 'b', 'ab', 'c'].map((text) => new TextEncoder().encode(text));
    const vocabulary = new TokenVocabulary({ size: 4, tokenBytes: bytes, stopIds: [] });
    const task = (sampler = createSampler({})) =>
      new GenerationTask({
        promptTokens: [1],
        maxTokens: 8,
        sampler,
        constraint: new GrammarMatcher(new GrammarMasks(grammar.literal('abc'), vocabulary)),
        stopIds: new Set(),
        decoder: { push: () => '', flush: () => '' },
      });
    const greedy = task();
    expect(greedy.acceptForced(4)).toBe(false);
    expect(greedy.tokenIds).toEqual([]);
    expect(greedy.acceptArgmax(0)).toBe(false);
    // After 'a' only 'b' fits, then only 'c', then the grammar is done.
    expect(greedy.acceptForced(4)).toBe(true);
    expect(greedy.tokenIds).toEqual([0, 1, 3]);
    expect(greedy.finishReason).toBe('stop');
    // A sampling task draws for every token, forced or not.
    const sampling = task(createSampler({ temperature: 0.8, seed: 1 }));
    sampling.accept(Float32Array.of(5, 0, 0, 0));
    expect(sampling.tokenIds).toEqual([0]);
    expect(sampling.acceptForced(4)).toBe(false);
    expect(sampling.tokenIds).toEqual([0]);
  });

  it('a ChatAdapter call gives the same tokens in fewer forward calls, each forced run fed in one request', async () => {
    const tokenizer = await loadTokenizer(tokenizerPath);
    const signature = Signature.from('question -> answer, confidence: float');
    const run = async (feedForcedTokens: boolean, engineArgmax: boolean) => {
      const engine = new FakeEngine({ vocabSize: tokenizer.vocabSize, contextLength: 4096, argmax: true });
      const lm = new LocalLM({
        engine,
        tokenizer,
        chatTemplate: 'chatml',
        engineArgmax,
        feedForcedTokens,
        prefixCacheSize: 0,
        promptLookupMaxBatch: 0,
      });
      const outcome = await new ChatAdapter({ fallbackToJSON: false }).call(
        lm,
        signature,
        [],
        { question: 'What is 2 + 3?' },
        // A tight budget leaves the markers one way to fit: single-token masks.
        { maxTokens: 20 },
      );
      return { engine, result: outcome.result };
    };
    const stepwise = await run(false, true);
    for (const engineArgmax of [true, false]) {
      const forced = await run(true, engineArgmax);
      expect(forced.result.tokenIds).toEqual(stepwise.result.tokenIds);
      expect(forced.result.text).toBe(stepwise.result.text);
      expect(forced.result.finishReason).toBe(stepwise.result.finishReason);
      expect(forced.result.usage).toEqual(stepwise.result.usage);
      // The field markers are runs of forced tokens: several tokens in one decode request.
      expect(forced.engine.calls.length).toBeLessThan(stepwise.engine.calls.length);
      const decodes = forced.engine.calls.slice(1).flat();
      expect(decodes.some((request) => request.tokens.length > 1 && request.logitsFor === 'last')).toBe(true);
      // Every sampled token but the last went into the sequence, in order, whichever way it was fed.
      const fed = forced.engine.calls.flat().flatMap((request) => request.tokens);
      const sampled = forced.result.tokenIds!;
      expect(fed.slice(-(sampled.length - 1))).toEqual(sampled.slice(0, -1));
    }
    expect(stepwise.result.text).toContain('[[ ## completed ## ]]');
  });

  it('feeds at most 16 tokens a step, a long forced run in pieces, with the same tokens, and only alone', async () => {
    // One token per character: the literal's every token is forced.
    const bytes = ['x', 'y'].map((text) => new TextEncoder().encode(text));
    const vocabulary = new TokenVocabulary({ size: 2, tokenBytes: bytes, stopIds: [] });
    const literalTask = () =>
      new GenerationTask({
        promptTokens: [1, 0],
        maxTokens: 100,
        sampler: createSampler({}),
        constraint: new GrammarMatcher(new GrammarMasks(grammar.literal('xy'.repeat(20)), vocabulary)),
        stopIds: new Set(),
        decoder: { push: () => '', flush: () => '' },
      });
    const run = async (feedForcedTokens: boolean) => {
      const engine = new FakeEngine({ vocabSize: 2, contextLength: 4096, argmax: true });
      const scheduler = new Scheduler(engine, { feedForcedTokens, promptLookupMaxBatch: 0 });
      const result = await scheduler.run(literalTask());
      scheduler.dispose();
      return { engine, result };
    };
    const stepwise = await run(false);
    const forced = await run(true);
    expect(forced.result.tokenIds).toEqual(stepwise.result.tokenIds);
    expect(forced.result.tokenIds).toHaveLength(40);
    expect(forced.result.finishReason).toBe('stop');
    // 1 token from the prompt's step, then 15 forced and the last sampled fed 16 at a time.
    const fed = forced.engine.calls.slice(1).flatMap((call) => call.map((request) => request.tokens.length));
    expect(fed).toEqual([16, 16]);
    expect(stepwise.engine.calls).toHaveLength(41);
    // Beside another request, forced tokens take a step each (they ride in the other's steps).
    const engine = new FakeEngine({ vocabSize: 2, contextLength: 4096, argmax: true });
    const scheduler = new Scheduler(engine, { promptLookupMaxBatch: 0 });
    const results = await Promise.all([literalTask(), literalTask()].map((task) => scheduler.run(task)));
    scheduler.dispose();
    for (const result of results) expect(result.tokenIds).toEqual(stepwise.result.tokenIds);
    expect(engine.calls.flat().every((request, i) => i < 2 || request.tokens.length === 1)).toBe(true);
  });
});
