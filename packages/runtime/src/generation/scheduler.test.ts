import { AbortError, LMError } from '@x/core';
import { describe, expect, it } from 'vitest';
import { collect, createFakeLM } from './testing/fake-lm.js';

describe('continuous batching', () => {
  it('gives concurrent requests their own outputs and batches their decode steps', async () => {
    const { lm, engine } = createFakeLM({}, { prefixCacheSize: 0 });
    const results = await Promise.all([
      lm.complete('a', { maxTokens: 5 }),
      lm.complete('h', { maxTokens: 5 }),
      lm.complete('p', { maxTokens: 5 }),
    ]);
    expect(results.map((r) => r.text)).toEqual(['bcdef', 'ijklm', 'qrstu']);
    // 3 prefill calls, then 4 decode steps each carrying all three sequences
    expect(engine.calls.map((batch) => batch.length)).toEqual([1, 1, 1, 3, 3, 3, 3]);
    expect(engine.sequences.size).toBe(0);
  });

  it('lets requests join and leave between steps', async () => {
    const { lm, engine } = createFakeLM({}, { prefixCacheSize: 0 });
    const first = lm.complete('a', { maxTokens: 6 });
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    const second = lm.complete('k', { maxTokens: 2 });
    const [a, b] = await Promise.all([first, second]);
    expect(a.text).toBe('bcdefg');
    expect(b.text).toBe('lm');
    expect(Math.max(...engine.calls.map((batch) => batch.length))).toBe(2);
    expect(engine.calls.length).toBeLessThan(1 + 5 + 1 + 1);
  });

  it('serves more requests than maxBatchSize in rotation', async () => {
    const { lm, engine } = createFakeLM({}, { maxBatchSize: 2, prefixCacheSize: 0 });
    const prompts = ['a', 'e', 'i', 'm', 'q'];
    const results = await Promise.all(prompts.map((p) => lm.complete(p, { maxTokens: 3 })));
    expect(results.map((r) => r.text)).toEqual(['bcd', 'fgh', 'jkl', 'nop', 'rst']);
    expect(Math.max(...engine.calls.map((batch) => batch.length))).toBe(2);
  });

  it('prefills long prompts in chunks', async () => {
    const { lm, engine } = createFakeLM({}, { prefillChunkSize: 4 });
    expect((await lm.complete('abcdefghij', { maxTokens: 1 })).text).toBe('k');
    expect(engine.calls.map((batch) => batch[0]!.tokens.length)).toEqual([4, 4, 3]);
  });

  it('gives the same seeded tokens alone and batched', async () => {
    const options = { temperature: 1, topK: 10, seed: 42, maxTokens: 24 };
    const alone = createFakeLM({ peak: 1 });
    const first = await alone.lm.complete('abc', options);
    const again = await alone.lm.complete('abc', options);
    expect(again.tokenIds).toEqual(first.tokenIds);
    const batched = createFakeLM({ peak: 1 });
    const [x, y] = await Promise.all([
      batched.lm.complete('abc', options),
      batched.lm.complete('abc', { ...options, seed: 7 }),
    ]);
    expect(x.tokenIds).toEqual(first.tokenIds);
    expect(y.tokenIds).not.toEqual(first.tokenIds);
    // peak 1 over 33 tokens: sampling really explores
    expect(new Set(first.tokenIds).size).toBeGreaterThan(5);
  });
});

describe('abort', () => {
  it('stops within one token of the signal and releases the sequence', async () => {
    const { lm, engine } = createFakeLM();
    const controller = new AbortController();
    const stream = lm.streamComplete('abc', { signal: controller.signal });
    const deltas: string[] = [];
    let callsAtAbort = 0;
    const error = await (async () => {
      for await (const delta of stream) {
        deltas.push(delta);
        if (deltas.length === 3) {
          controller.abort();
          callsAtAbort = engine.calls.length;
        }
      }
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect(deltas.slice(0, 3)).toEqual(['d', 'e', 'f']);
    expect(deltas.length).toBeLessThanOrEqual(4);
    expect(engine.calls.length).toBeLessThanOrEqual(callsAtAbort + 1);
    const resultError = await stream.result.catch((e: unknown) => e);
    expect(resultError).toBeInstanceOf(AbortError);
    expect((resultError as AbortError).partialText.startsWith('def')).toBe(true);
    expect(engine.sequences.size).toBe(0);
  });

  it('rejects an already aborted call before any engine work', async () => {
    const { lm, engine } = createFakeLM();
    const controller = new AbortController();
    controller.abort();
    await expect(lm.complete('abc', { signal: controller.signal })).rejects.toBeInstanceOf(AbortError);
    expect(engine.calls.length).toBe(0);
  });

  it('aborts one request without disturbing its batch mates', async () => {
    const { lm, engine } = createFakeLM({}, { prefixCacheSize: 0 });
    const controller = new AbortController();
    const doomed = lm.streamComplete('a', { signal: controller.signal, maxTokens: 20 });
    const survivor = lm.complete('h', { maxTokens: 8 });
    const consumed = (async () => {
      for await (const delta of doomed) if (delta === 'c') controller.abort();
    })();
    await expect(consumed).rejects.toBeInstanceOf(AbortError);
    await expect(doomed.result).rejects.toBeInstanceOf(AbortError);
    expect((await survivor).text).toBe('ijklmnop');
    expect(engine.sequences.size).toBe(0);
  });

  it('aborts when a stream consumer stops early', async () => {
    const { lm, engine } = createFakeLM();
    const stream = lm.streamComplete('abc');
    for await (const delta of stream) if (delta === 'e') break;
    await expect(stream.result).rejects.toBeInstanceOf(AbortError);
    expect(engine.sequences.size).toBe(0);
  });
});

describe('engine failures', () => {
  it('fail the affected requests with LMError and release their sequences', async () => {
    const { lm, engine } = createFakeLM({}, { prefixCacheSize: 0 });
    const forward = engine.forward.bind(engine);
    let calls = 0;
    engine.forward = (batch, signal) =>
      ++calls === 3 ? Promise.reject(new Error('device lost')) : forward(batch, signal);
    const error = await lm.complete('abc', { maxTokens: 10 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LMError);
    expect((error as LMError).message).toContain('device lost');
    expect(engine.sequences.size).toBe(0);
    expect((await lm.complete('abc', { maxTokens: 2 })).text).toBe('de');
    expect(await collect(lm.streamComplete('x', { maxTokens: 2 }))).toEqual(['y', 'z']);
  });
});

describe('sequence failures', () => {
  it('fail only the request whose sequence could not be made', async () => {
    const { lm, engine } = createFakeLM({}, { prefixCacheSize: 0 });
    const create = engine.createSequence.bind(engine);
    let made = 0;
    engine.createSequence = () => {
      if (++made === 2) throw new Error('no free slot');
      return create();
    };
    const [ok, failed] = await Promise.allSettled([
      lm.complete('a', { maxTokens: 3 }),
      lm.complete('h', { maxTokens: 3 }),
    ]);
    expect(ok).toMatchObject({ status: 'fulfilled', value: { text: 'bcd' } });
    expect(failed.status === 'rejected' && failed.reason).toBeInstanceOf(LMError);
    expect(engine.sequences.size).toBe(0);
  });
});
