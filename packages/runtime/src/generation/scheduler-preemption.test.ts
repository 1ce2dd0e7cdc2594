import { AbortError, OutOfMemoryError } from '@x/core';
import { describe, expect, it } from 'vitest';
import type { SchedulerOptions } from './scheduler.js';
import { createFakeLM } from './testing/fake-lm.js';

/** Next token from a hash of the whole cache: a lost, doubled or reordered token changes all after it. */
const next = (tokens: readonly number[]) => 2 + (tokens.reduce((h, t) => (h * 31 + t + 7) % 100_003, 0) % 26);

const prompts = ['abcde', 'hello', 'world', 'zebra', 'quick', 'brown', 'jumps', 'lazy'];

/** kvBytesPerToken 1, so byte budgets read as token budgets. */
function lmWith(
  options: Partial<SchedulerOptions>,
  engine: { kvTokenLimit?: number; delayMs?: number } = {},
) {
  return createFakeLM({ next, kvBytesPerToken: 1, ...engine }, options);
}

async function unconstrained(maxTokens: number, options: Record<string, unknown> = {}) {
  const { lm } = lmWith({ prefixCacheSize: 0 });
  return Promise.all(prompts.map((p) => lm.complete(p, { maxTokens, ...options })));
}

describe('preemption by recompute under kvMemoryBytes', () => {
  it.each([0, 4])(
    'gives the unconstrained tokens when requests must give way (prefix cache %i)',
    async (prefixCacheSize) => {
      // each request alone ends holding 6 prompt + 15 tokens; 40 fit about two at once
      const expected = await unconstrained(16);
      const { lm, engine } = lmWith({ kvMemoryBytes: 40, prefixCacheSize });
      const results = await Promise.all(prompts.map((p) => lm.complete(p, { maxTokens: 16 })));
      expect(results.map((r) => r.tokenIds)).toEqual(expected.map((r) => r.tokenIds));
      expect(results.map((r) => r.text)).toEqual(expected.map((r) => r.text));
      const stats = lm.stats();
      expect(stats.preemptions).toBeGreaterThan(0);
      expect(stats.recomputedTokens).toBeGreaterThan(0);
      expect(engine.peakTokens).toBeLessThanOrEqual(40);
      expect(stats).toMatchObject({ queueDepth: 0, activeRequests: 0 });
      expect(engine.sequences.size).toBe(stats.prefixCacheEntries);
      // what finished requests left to the prefix cache stays within the budget too
      expect(stats.kvBytesReserved).toBeLessThanOrEqual(40);
      expect(engine.heldTokens).toBeLessThanOrEqual(40);
    },
  );

  it('streams every token once, in order, across preemptions', async () => {
    const expected = await unconstrained(16);
    const { lm } = lmWith({ kvMemoryBytes: 30, prefixCacheSize: 0 });
    const streams = prompts.map((p) => lm.streamComplete(p, { maxTokens: 16 }));
    const deltas = await Promise.all(
      streams.map(async (stream) => {
        const seen: string[] = [];
        for await (const delta of stream) seen.push(delta);
        return seen;
      }),
    );
    expect(deltas.map((d) => d.join(''))).toEqual(expected.map((r) => r.text));
    expect(deltas.every((d) => d.length === 16)).toBe(true);
    expect(lm.stats().preemptions).toBeGreaterThan(0);
  });

  it('keeps seeded sampling, stop strings and maxTokens on track', async () => {
    const options = { temperature: 1, seed: 11, stop: ['q'] };
    const run = async (kvMemoryBytes: number | undefined) => {
      const { lm } = createFakeLM(
        { next, kvBytesPerToken: 1, peak: 1 },
        { kvMemoryBytes, prefixCacheSize: 0 },
      );
      const results = await Promise.all(
        prompts.map((p, i) => lm.complete(p, { ...options, seed: i, maxTokens: 12 + i })),
      );
      return { results, stats: lm.stats() };
    };
    const free = await run(undefined);
    const tight = await run(24);
    expect(tight.stats.preemptions).toBeGreaterThan(0);
    expect(tight.results.map((r) => [r.tokenIds, r.text, r.finishReason])).toEqual(
      free.results.map((r) => [r.tokenIds, r.text, r.finishReason]),
    );
    // peak 1 explores: some runs stop at 'q', some run to their maxTokens
    expect(new Set(free.results.map((r) => r.finishReason))).toEqual(new Set(['stop', 'length']));
  });

  it('cuts prompt-lookup drafts to the spare budget, keeping the tokens', async () => {
    // the model repeats the prompt's period-3 pattern, so every drafted token is accepted
    const repeat = (tokens: readonly number[]) => tokens[tokens.length - 3]!;
    const run = async (kvMemoryBytes?: number) => {
      const { lm, engine } = createFakeLM(
        { next: repeat, kvBytesPerToken: 1 },
        { kvMemoryBytes, prefixCacheSize: 0, promptLookupVerifyCostPerToken: 0.1 },
      );
      const results = await Promise.all(['abcabc', 'xyzxyz'].map((p) => lm.complete(p, { maxTokens: 30 })));
      return { results, stats: lm.stats(), peak: engine.peakTokens };
    };
    const free = await run();
    const tight = await run(50);
    expect(tight.results.map((r) => r.tokenIds)).toEqual(free.results.map((r) => r.tokenIds));
    expect(tight.stats.draftedTokens).toBeGreaterThan(0);
    expect(tight.stats.preemptions).toBeGreaterThan(0);
    expect(tight.peak).toBeLessThanOrEqual(50);
    // without the budget the two requests end holding 2 × (7 + 29) tokens
    expect(free.peak).toBe(72);
  });

  it('serves many requests under a tight budget first come, first served', async () => {
    const { lm } = lmWith({ kvMemoryBytes: 24, prefixCacheSize: 0 });
    const many = Array.from({ length: 30 }, (_, i) => prompts[i % prompts.length]!);
    const order: number[] = [];
    const results = await Promise.all(
      many.map(async (p, i) => {
        const result = await lm.complete(p, { maxTokens: 10 });
        order.push(i);
        return result;
      }),
    );
    expect(results.every((r) => r.tokenIds?.length === 10)).toBe(true);
    // equal requests: the later arrival gives way, so nobody overtakes an earlier one
    expect(order).toEqual(many.map((_, i) => i));
    expect(lm.stats().preemptions).toBeGreaterThan(0);
  });

  it('aborts a request while it waits preempted, with the text it had', async () => {
    const { lm, engine } = lmWith({ kvMemoryBytes: 30, prefixCacheSize: 0 });
    const controller = new AbortController();
    let queuedAtAbort = -1;
    const forward = engine.forward.bind(engine);
    // 'hello' arrived after 'abcde': it gives way once 'world' has left, and waits for 'abcde'
    engine.forward = (batch, signal) => {
      if (!controller.signal.aborted && lm.stats().preemptions > 0) {
        queuedAtAbort = lm.stats().queueDepth;
        controller.abort();
      }
      return forward(batch, signal);
    };
    const first = lm.complete('abcde', { maxTokens: 16 });
    const doomed = lm.complete('hello', { maxTokens: 16, signal: controller.signal });
    const third = lm.complete('world', { maxTokens: 4 });
    const error = await doomed.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect(queuedAtAbort).toBe(1);
    const expected = await unconstrained(16);
    expect((error as AbortError).partialText.length).toBeGreaterThan(4);
    expect(expected[1]!.text.startsWith((error as AbortError).partialText)).toBe(true);
    expect((await first).tokenIds).toEqual(expected[0]!.tokenIds);
    expect((await third).text).toBe(expected[2]!.text.slice(0, 4));
    expect(engine.sequences.size).toBe(0);
  });

  it('fails a request that alone outgrows the budget with OutOfMemoryError, without thrashing', async () => {
    const { lm, engine } = lmWith({ kvMemoryBytes: 12, prefixCacheSize: 0, promptLookupMaxBatch: 0 });
    const error = await lm.complete('abcde', { maxTokens: 20 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutOfMemoryError);
    expect(error).toMatchObject({ neededBytes: 13, limitBytes: 12 });
    // BOS + 5 prompt + 6 fed tokens fill 12; the 7th sampled token is kept as partial text
    expect((error as OutOfMemoryError).partialText).toHaveLength(7);
    expect(engine.calls.length).toBe(7);
    expect(lm.stats().preemptions).toBe(0);
    expect(engine.sequences.size).toBe(0);
    // a prompt that cannot fit fails before any engine work
    const calls = engine.calls.length;
    const tooLong = await lm.complete('abcdefghijklmnop', { maxTokens: 2 }).catch((e: unknown) => e);
    expect(tooLong).toBeInstanceOf(OutOfMemoryError);
    expect(engine.calls.length).toBe(calls);
    // and the LM goes on serving requests that fit
    expect((await lm.complete('ab', { maxTokens: 3 })).tokenIds).toHaveLength(3);
  });
});

describe('preemption when the engine runs out of memory', () => {
  it('preempts instead of failing, and gives the unconstrained tokens', async () => {
    const expected = await unconstrained(16);
    const { lm, engine } = lmWith({ prefixCacheSize: 2 }, { kvTokenLimit: 45 });
    const results = await Promise.all(prompts.map((p) => lm.complete(p, { maxTokens: 16 })));
    expect(results.map((r) => r.tokenIds)).toEqual(expected.map((r) => r.tokenIds));
    expect(lm.stats().preemptions).toBeGreaterThan(0);
    expect(engine.peakTokens).toBeLessThanOrEqual(45);
  });

  it('fails a request the engine cannot hold even alone', async () => {
    const { lm, engine } = lmWith({ prefixCacheSize: 0 }, { kvTokenLimit: 10 });
    const error = await lm.complete('abcde', { maxTokens: 20 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutOfMemoryError);
    expect(engine.sequences.size).toBe(0);
  });
});
