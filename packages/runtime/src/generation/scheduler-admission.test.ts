import { AbortError, QueueFullError } from '@x/core';
import { describe, expect, it } from 'vitest';
import { createFakeLM } from './testing/fake-lm.js';

const prompts = (n: number) => Array.from({ length: n }, (_, i) => 'abcdefghijklmnopqrstuvwxyz'[i % 26]!);

describe('admission by KV slots', () => {
  it('serves 40 simultaneous calls on an engine with 16 slots, never holding more', async () => {
    const { lm, engine } = createFakeLM({ maxSequences: 16 });
    const results = await Promise.all(prompts(40).map((p) => lm.complete(p, { maxTokens: 4 })));
    expect(results).toHaveLength(40);
    expect(results[0]!.text).toBe('bcde');
    expect(results.every((r) => r.tokenIds?.length === 4)).toBe(true);
    expect(engine.peakSequences).toBe(16);
    expect(lm.stats()).toMatchObject({ queueDepth: 0, activeRequests: 0, kvSlots: 16 });
    expect(lm.stats().kvSlotsInUse).toBe(engine.sequences.size);
  });

  it('takes the engine slot count from the options when the engine reports none', async () => {
    const { lm, engine } = createFakeLM({}, { maxSequences: 3, prefixCacheSize: 0 });
    await Promise.all(prompts(10).map((p) => lm.complete(p, { maxTokens: 2 })));
    expect(engine.peakSequences).toBe(3);
  });

  it('admits in arrival order: equal requests finish first come, first served', async () => {
    const { lm } = createFakeLM({ maxSequences: 2 }, { prefixCacheSize: 0 });
    const order: number[] = [];
    await Promise.all(prompts(8).map((p, i) => lm.complete(p, { maxTokens: 3 }).then(() => order.push(i))));
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('reports queue depth and slots in use while requests wait', async () => {
    const { lm } = createFakeLM({ maxSequences: 4 }, { prefixCacheSize: 0 });
    const calls = prompts(10).map((p) => lm.complete(p, { maxTokens: 3 }));
    expect(lm.stats()).toMatchObject({ queueDepth: 6, activeRequests: 4, kvSlots: 4 });
    await Promise.all(calls);
    expect(lm.stats()).toMatchObject({ queueDepth: 0, activeRequests: 0, kvSlotsInUse: 0 });
  });

  it('makes the prefix cache give its slots up to waiting requests', async () => {
    const { lm, engine } = createFakeLM({ maxSequences: 3 }, { prefixCacheSize: 2 });
    await lm.complete('abc', { maxTokens: 2 });
    await lm.complete('xyz', { maxTokens: 2 });
    expect(lm.stats().prefixCacheEntries).toBe(2);
    const results = await Promise.all(['klm', 'nop', 'qrs'].map((p) => lm.complete(p, { maxTokens: 2 })));
    expect(results.map((r) => r.text)).toEqual(['no', 'qr', 'tu']);
    expect(engine.peakSequences).toBe(3);
  });

  it('leaves the line at once when aborted while waiting, and the others still finish', async () => {
    const { lm, engine } = createFakeLM({ maxSequences: 1, delayMs: 5 }, { prefixCacheSize: 0 });
    const controller = new AbortController();
    const first = lm.complete('a', { maxTokens: 5 });
    const doomed = lm.complete('h', { maxTokens: 5, signal: controller.signal });
    const last = lm.complete('p', { maxTokens: 2 });
    const callsBefore = engine.calls.length;
    controller.abort();
    await expect(doomed).rejects.toBeInstanceOf(AbortError);
    // rejected while the first request still prefills, not after it
    expect(engine.calls.length).toBeLessThanOrEqual(callsBefore + 1);
    expect((await first).text).toBe('bcdef');
    expect((await last).text).toBe('qr');
    expect(engine.calls.flat().some((request) => request.tokens.includes(9))).toBe(false);
  });

  it('throws QueueFullError beyond maxQueue, with a retry hint', async () => {
    const { lm } = createFakeLM({ maxSequences: 1 }, { prefixCacheSize: 0, maxQueue: 2 });
    const settled = await Promise.allSettled(prompts(5).map((p) => lm.complete(p, { maxTokens: 2 })));
    expect(settled.map((s) => s.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'rejected',
      'rejected',
    ]);
    const error = (settled[3] as PromiseRejectedResult).reason;
    expect(error).toBeInstanceOf(QueueFullError);
    expect(error).toMatchObject({ queueLimit: 2 });
    expect(error.retryAfterMs).toBeGreaterThan(0);
  });

  it('admits by the KV bytes a request holds now, not by its worst case', async () => {
    // each request holds BOS + 1 prompt token (20 bytes) when admitted, and grows to 5 tokens (50)
    const { lm } = createFakeLM({ kvBytesPerToken: 10 }, { prefixCacheSize: 0, kvMemoryBytes: 150 });
    const calls = prompts(6).map((p) => lm.complete(p, { maxTokens: 4 }));
    expect(lm.stats()).toMatchObject({ activeRequests: 6, queueDepth: 0, kvBytesReserved: 120 });
    const results = await Promise.all(calls);
    expect(results.map((r) => r.text)).toEqual(['bcde', 'cdef', 'defg', 'efgh', 'fghi', 'ghij']);
    // three requests of 5 tokens fit 150 bytes: the rest gave way and were recomputed
    expect(lm.stats().preemptions).toBeGreaterThan(0);
  });

  it('fails waiting requests too when disposed', async () => {
    const { lm } = createFakeLM({ maxSequences: 1 }, { prefixCacheSize: 0 });
    const calls = prompts(3).map((p) => lm.complete(p, { maxTokens: 50 }).catch((e: unknown) => e));
    await lm.dispose();
    for (const error of await Promise.all(calls)) expect(error).toBeInstanceOf(Error);
  });
});
