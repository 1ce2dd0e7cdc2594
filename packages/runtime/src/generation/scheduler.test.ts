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
    // the three prompts in one call, then 4 decode steps each carrying all three sequences
    expect(engine.calls.map((batch) => batch.length)).toEqual([3, 3, 3, 3, 3]);
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

  it('passes one reused logits buffer to every step, and none to a step of more than 64 rows', async () => {
    const { lm, engine } = createFakeLM({}, { prefixCacheSize: 0 });
    const results = await Promise.all(['a', 'h', 'p'].map((prompt) => lm.complete(prompt, { maxTokens: 4 })));
    // The fake engine writes into the buffer, so a row read after the next step would be wrong.
    expect(results.map((r) => r.text)).toEqual(['bcde', 'ijkl', 'qrst']);
    const [buffer] = engine.logitsIntoCalls;
    expect(buffer).toBeInstanceOf(Float32Array);
    expect(engine.logitsIntoCalls.every((into) => into === buffer)).toBe(true);

    const { lm: wide, engine: wideEngine } = createFakeLM({}, { prefixCacheSize: 0, maxSequences: 70 });
    const prompts = Array.from({ length: 65 }, (_, i) => String.fromCharCode(97 + (i % 20)));
    await Promise.all(prompts.map((prompt) => wide.complete(prompt, { maxTokens: 2 })));
    // The 65 prompts in one step get new arrays; the decode steps (at most 32 rows) the buffer.
    expect(wideEngine.calls.map((batch) => batch.length)).toEqual([65, 32, 32, 1]);
    expect(wideEngine.logitsIntoCalls[0]).toBeUndefined();
    expect(wideEngine.logitsIntoCalls.slice(1).every((into) => into instanceof Float32Array)).toBe(true);
  });

  it('serves more requests than maxBatchSize in rotation', async () => {
    const { lm, engine } = createFakeLM({}, { maxBatchSize: 2, prefixCacheSize: 0 });
    const prompts = ['a', 'e', 'i', 'm', 'q'];
    const results = await Promise.all(prompts.map((p) => lm.complete(p, { maxTokens: 3 })));
    expect(results.map((r) => r.text)).toEqual(['bcd', 'fgh', 'jkl', 'nop', 'rst']);
    // the five prompts share the first call; every decode step after it carries two sequences
    expect(engine.calls[0]!.length).toBe(5);
    expect(Math.max(...engine.calls.slice(1).map((batch) => batch.length))).toBe(2);
  });

  it('prefills long prompts in chunks', async () => {
    const { lm, engine } = createFakeLM({}, { prefillChunkSize: 4 });
    expect((await lm.complete('abcdefghij', { maxTokens: 1 })).text).toBe('k');
    expect(engine.calls.map((batch) => batch[0]!.tokens.length)).toEqual([4, 4, 3]);
  });

  it('puts the prompts of requests that arrive together into the decode step, under a token budget', async () => {
    const { lm, engine } = createFakeLM(
      {},
      { prefixCacheSize: 0, prefillChunkSize: 4, prefillStepTokens: 6 },
    );
    const first = lm.complete('a', { maxTokens: 4 });
    await new Promise((resolve) => setImmediate(resolve));
    const later = ['abcdefgh', 'pqrstuvw'].map((prompt) => lm.complete(prompt, { maxTokens: 2 }));
    const results = await Promise.all([first, ...later]);
    expect(results.map((r) => r.text)).toEqual(['bcde', 'ij', 'xy']);
    const mixed = engine.calls.find((batch) => batch.some((r) => r.tokens.length > 1) && batch.length > 1);
    // one decode token first, then 4 + 2 prompt tokens: the budget of 6 cuts the second chunk
    expect(mixed?.map((r) => r.tokens.length)).toEqual([1, 4, 2]);
    expect(engine.sequences.size).toBe(0);
  });

  it('stops a shared prefill call when one of its requests aborts, and the others finish', async () => {
    const { lm, engine } = createFakeLM({ delayMs: 20 }, { prefixCacheSize: 0 });
    const controller = new AbortController();
    // aborted 5 ms into the shared call's 20: a timer set before the call could fire before it starts on a busy machine
    const forward = engine.forward.bind(engine);
    engine.forward = (...args) => {
      if (engine.calls.length === 0) setTimeout(() => controller.abort(), 5);
      return forward(...args);
    };
    const doomed = lm.complete('abcdefghij', { signal: controller.signal, maxTokens: 3 });
    const survivor = lm.complete('pqrstuvw', { maxTokens: 3 });
    await expect(doomed).rejects.toBeInstanceOf(AbortError);
    expect((await survivor).text).toBe('xyz');
    expect(engine.calls[0]!.map((r) => r.tokens.length)).toEqual([11, 9]);
    // the aborted call changed nothing: the survivor's whole prompt runs again, alone
    expect(engine.calls[1]!.map((r) => r.tokens.length)).toEqual([9]);
    expect(engine.sequences.size).toBe(0);
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
