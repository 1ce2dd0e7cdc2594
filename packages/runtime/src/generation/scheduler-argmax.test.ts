import { describe, expect, it } from 'vitest';
import type { GrammarMatcher } from '../constrain/grammar-matcher.js';
import { createSampler } from '../sampling/sampler.js';
import { GenerationTask } from './generation-task.js';
import { createFakeLM } from './testing/fake-lm.js';

const prompts = ['a', 'h', 'p'];

describe('greedy steps through Engine.forwardArgmax', () => {
  it('greedy calls take every step as argmax ids, with the same outputs as with logits', async () => {
    const { lm, engine } = createFakeLM({ argmax: true }, { prefixCacheSize: 0 });
    const results = await Promise.all(prompts.map((p) => lm.complete(p, { maxTokens: 5, stop: ['z'] })));
    expect(results.map((r) => r.text)).toEqual(['bcdef', 'ijklm', 'qrstu']);
    expect(engine.argmaxCalls).toBe(engine.calls.length);
    expect(engine.logitsIntoCalls.every((into) => into === undefined)).toBe(true);

    const { lm: off, engine: offEngine } = createFakeLM(
      { argmax: true },
      { prefixCacheSize: 0, engineArgmax: false },
    );
    const plain = await Promise.all(prompts.map((p) => off.complete(p, { maxTokens: 5, stop: ['z'] })));
    expect(plain).toEqual(results.map((r) => ({ ...r, timings: expect.anything() })));
    expect(offEngine.argmaxCalls).toBe(0);
  });

  it.each([
    ['sampled', { temperature: 0.7, seed: 3 }],
    ['logit bias', { logitBias: { 7: 1 } }],
    ['penalties', { repetitionPenalty: 1.3 }],
    ['logprobs', { logprobs: { top: 1, onToken: () => {} } }],
  ])('%s calls read logits', async (_, options) => {
    const { lm, engine } = createFakeLM({ argmax: true }, { prefixCacheSize: 0 });
    await lm.complete('a', { maxTokens: 4, ...options });
    expect(engine.calls.length).toBeGreaterThan(0);
    expect(engine.argmaxCalls).toBe(0);
  });

  it('a step mixing greedy and sampled calls reads logits; greedy steps alone use argmax', async () => {
    const { lm, engine } = createFakeLM({ argmax: true }, { prefixCacheSize: 0 });
    const [greedy, sampled] = await Promise.all([
      lm.complete('a', { maxTokens: 8 }),
      lm.complete('h', { maxTokens: 2, temperature: 1, seed: 1 }),
    ]);
    expect(greedy.text).toBe('bcdefghi');
    expect(sampled.tokenIds).toHaveLength(2);
    // The sampled call is in the first 2 steps (prompts, 1 decode); the other 6 steps are greedy alone.
    expect(engine.calls.length - engine.argmaxCalls).toBe(2);
    expect(engine.argmaxCalls).toBe(6);
  });

  it('verifies prompt-lookup drafts from argmax ids: same tokens as without', async () => {
    // The fake model cycles through 5 tokens, so the context repeats and lookup drafts match.
    const next = (tokens: readonly number[]) => ((tokens[tokens.length - 1] ?? 0) % 5) + 1;
    const { lm, engine } = createFakeLM(
      { argmax: true, next },
      { prefixCacheSize: 0, promptLookupVerifyCostPerToken: 0 },
    );
    const { lm: off } = createFakeLM({ next }, { prefixCacheSize: 0, promptLookupVerifyCostPerToken: 0 });
    const drafted = await lm.complete('abcdeabcde', { maxTokens: 20 });
    expect(drafted.tokenIds).toEqual((await off.complete('abcdeabcde', { maxTokens: 20 })).tokenIds);
    expect(lm.stats().acceptedDraftTokens).toBeGreaterThan(0);
    expect(engine.argmaxCalls).toBe(engine.calls.length);
  });

  it('a task is argmaxOnly only for plain greedy with no grammar or logprobs, and refuses ids otherwise', () => {
    const task = (sampling: Parameters<typeof createSampler>[0], extra: object = {}) =>
      new GenerationTask({
        promptTokens: [1],
        maxTokens: 4,
        sampler: createSampler(sampling),
        stopIds: new Set(),
        decoder: { push: () => '', flush: () => '' },
        ...extra,
      });
    expect(task({}).argmaxOnly).toBe(true);
    expect(task({ temperature: 0.5 }).argmaxOnly).toBe(false);
    expect(task({ logitBias: { 1: 2 } }).argmaxOnly).toBe(false);
    expect(task({ frequencyPenalty: 0.5 }).argmaxOnly).toBe(false);
    expect(task({}, { constraint: {} as GrammarMatcher }).argmaxOnly).toBe(false);
    expect(task({}, { observe: () => {} }).argmaxOnly).toBe(false);
    expect(() => task({ temperature: 0.5 }).acceptArgmax(1)).toThrow(RangeError);
    const greedy = task({});
    expect(greedy.acceptArgmax(3)).toBe(false);
    expect(greedy.tokenIds).toEqual([3]);
  });
});
