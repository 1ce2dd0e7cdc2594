import { ContextLengthError, LMCache, UnsupportedError, withCache } from '@x/core';
import { describe, expect, it } from 'vitest';
import { collect, createFakeLM } from './testing/fake-lm.js';

// With the fake engine, token (last + 1) is the likely next one: after 'c' comes 'd', 'e', …,
// 'z', ' ', '.', `<|im_start|>` (special, not shown), then `<|im_end|>`, a stop id.
describe('LocalLM.complete', () => {
  it('generates greedily until a stop id and fills tokenIds and usage', async () => {
    const { lm } = createFakeLM();
    const result = await lm.complete('abc');
    expect(result.text).toBe('defghijklmnopqrstuvwxyz .');
    expect(result.finishReason).toBe('stop');
    expect(result.tokenIds).toEqual(Array.from({ length: 27 }, (_, i) => 5 + i));
    expect(result.usage).toEqual({ promptTokens: 4, completionTokens: 27, cachedPromptTokens: 0 });
  });

  it('passes sampling options through: a bias can move the greedy pick', async () => {
    const { lm } = createFakeLM();
    // banning 'e' (6) after 'd' leaves a tie at 0 among the rest: the lowest id, `<s>` (not shown), wins
    const result = await lm.complete('abc', { maxTokens: 3, logitBias: { 6: Number.NEGATIVE_INFINITY } });
    expect(result.tokenIds).toEqual([5, 0, 1]);
    expect(result.text).toBe('d');
  });

  it('tells Evaluate its batch size and CachedLM its sampling defaults', () => {
    expect(createFakeLM().lm.preferredConcurrency).toBe(32);
    const { lm } = createFakeLM({}, { maxBatchSize: 4, sampling: { temperature: 0.7 }, defaultMaxTokens: 9 });
    expect(lm.preferredConcurrency).toBe(4);
    expect(lm.defaultOptions).toEqual({
      temperature: 0.7,
      chatTemplate: lm.chatTemplate.source,
      defaultMaxTokens: 9,
    });
    expect(createFakeLM().lm.defaultOptions).toEqual({ chatTemplate: lm.chatTemplate.source });
  });

  it('gives a shared LM cache a different key when defaultMaxTokens differs', async () => {
    const cache = new LMCache();
    const short = withCache(createFakeLM({}, { defaultMaxTokens: 3, id: 'fake' }).lm, cache);
    const long = withCache(createFakeLM({}, { defaultMaxTokens: 5, id: 'fake' }).lm, cache);
    expect((await short.complete('abc')).text).toBe('def');
    expect((await long.complete('abc')).text).toBe('defgh');
    expect(cache.misses).toBe(2);
    const chatml = withCache(createFakeLM({}, { id: 'fake', chatTemplate: 'chatml' }).lm, cache);
    const llama3 = withCache(createFakeLM({}, { id: 'fake', chatTemplate: 'llama3' }).lm, cache);
    const hello = [{ role: 'user' as const, content: 'hi' }];
    await chatml.generate(hello, { maxTokens: 2 });
    await llama3.generate(hello, { maxTokens: 2 });
    expect(cache.misses).toBe(4);
  });

  it('stops at maxTokens with finishReason length', async () => {
    const { lm } = createFakeLM();
    const result = await lm.complete('abc', { maxTokens: 3 });
    expect(result).toMatchObject({ text: 'def', finishReason: 'length', tokenIds: [5, 6, 7] });
  });

  it('never emits a stop sequence split over two tokens, streaming or not', async () => {
    const { lm } = createFakeLM();
    const result = await lm.complete('abc', { stop: ['gh'] });
    expect(result).toMatchObject({ text: 'def', finishReason: 'stop' });
    expect(result.tokenIds).toEqual([5, 6, 7, 8, 9]);
    const stream = lm.streamComplete('abc', { stop: ['xyz', 'gh'] });
    const deltas = await collect(stream);
    expect(deltas).toEqual(['d', 'e', 'f']);
    expect((await stream.result).text).toBe('def');
  });

  it('releases held-back text when the match fails and at the end', async () => {
    const { lm } = createFakeLM();
    const stream = lm.streamComplete('abc', { stop: ['fx', 'ghq'], maxTokens: 5 });
    expect((await collect(stream)).join('')).toBe('defgh');
    expect((await stream.result).finishReason).toBe('length');
  });

  it('reports each generated token with its log-probability, streaming and not, but not the stop id', async () => {
    const { lm } = createFakeLM();
    const seen: Array<{ id: number; logprob: number; top: number[] }> = [];
    const logprobs = {
      top: 2,
      onToken: (token: { id: number; logprob: number; top: Array<{ id: number }> }) =>
        seen.push({ id: token.id, logprob: token.logprob, top: token.top.map((entry) => entry.id) }),
    };
    const result = await lm.complete('abc', { maxTokens: 3, logprobs });
    expect(seen.map((token) => token.id)).toEqual(result.tokenIds);
    expect(seen[0]!.top[0]).toBe(5);
    for (const token of seen) expect(token.logprob).toBeLessThanOrEqual(0);
    seen.length = 0;
    const full = await lm.complete('abc', { logprobs });
    expect(seen.map((token) => token.id)).toEqual(full.tokenIds!.slice(0, -1));
  });

  it('reports timings', async () => {
    const { lm } = createFakeLM({ delayMs: 2 });
    const { timings } = await lm.complete('abc', { maxTokens: 4 });
    expect(timings.ttftMs).toBeGreaterThan(0);
    expect(timings.totalMs!).toBeGreaterThanOrEqual(timings.ttftMs);
    expect(timings.tokensPerSecond).toBeGreaterThan(0);
    expect(timings.prefillTokensPerSecond!).toBeGreaterThan(0);
  });
});

describe('context length', () => {
  it('passes just under the limit and throws just over it before any forward call', async () => {
    const { lm, engine } = createFakeLM({ contextLength: 16 });
    expect(lm.contextLength).toBe(16);
    // 'abc' is 4 tokens with BOS: 4 + 12 = 16 fits
    expect((await lm.complete('abc', { maxTokens: 12 })).tokenIds).toHaveLength(12);
    const calls = engine.calls.length;
    const error = await lm.complete('abc', { maxTokens: 13 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContextLengthError);
    expect(error).toMatchObject({ promptTokens: 4, contextLength: 16, maxTokens: 13 });
    expect(engine.calls.length).toBe(calls);
  });

  it('defaults maxTokens to the room left (at most 512) and rejects a prompt that fills the context', async () => {
    const { lm, engine } = createFakeLM({ contextLength: 16, next: () => 2 });
    expect((await lm.complete('abcdefghijklmn')).tokenIds).toHaveLength(1);
    await expect(lm.complete('abcdefghijklmno')).rejects.toBeInstanceOf(ContextLengthError);
    const large = createFakeLM({ contextLength: 4096, next: () => 2 });
    expect((await large.lm.complete('a')).tokenIds).toHaveLength(512);
    expect(engine.calls.every((batch) => batch.length === 1)).toBe(true);
  });

  it('rejects a bad maxTokens and an empty prompt with typed errors', async () => {
    const { lm } = createFakeLM({}, { chatTemplate: 'plain' });
    await expect(lm.complete('abc', { maxTokens: 0 })).rejects.toBeInstanceOf(RangeError);
    await expect(lm.complete('abc', { temperature: -1 })).rejects.toBeInstanceOf(RangeError);
    await expect(lm.complete('abc', { logitBias: { 33: 1 } })).rejects.toBeInstanceOf(RangeError);
    const noBos = createFakeLM();
    Object.defineProperty(noBos.tokenizer, 'encode', { value: () => [] });
    await expect(noBos.lm.complete('')).rejects.toBeInstanceOf(UnsupportedError);
  });
});

describe('LocalLM chat', () => {
  it('renders the picked template and counts the same tokens it generates from', async () => {
    const { lm, tokenizer } = createFakeLM();
    expect(lm.chatTemplate.name).toBe('fallback:chatml');
    const messages = [{ role: 'user' as const, content: 'abc' }];
    const rendered = '<|im_start|>user\nabc<|im_end|>\n<|im_start|>assistant\n';
    expect(await lm.countTokens(messages)).toBe(tokenizer.encode(rendered).length);
    expect(await lm.countTokens('abc')).toBe(4);
    const result = await lm.generate(messages);
    expect(result.usage.promptTokens).toBe(tokenizer.encode(rendered).length);
    // After '\n' (32) come `<s>` (0, special) and `</s>` (1, EOS).
    expect(result).toMatchObject({ text: '', tokenIds: [0, 1], finishReason: 'stop' });
    const stream = lm.stream([{ role: 'user', content: 'x' }], { maxTokens: 2 });
    expect(await collect(stream)).toEqual([]);
  });

  it('does not add a second BOS when the template writes it', async () => {
    const { lm, tokenizer } = createFakeLM({}, { chatTemplate: '{{ bos_token }}{{ messages[0].content }}' });
    expect(await lm.countTokens([{ role: 'user', content: 'ab' }])).toBe(3);
    expect(tokenizer.encode('<s>ab')).toEqual([0, 0, 2, 3]);
  });
});

describe('dispose', () => {
  it('releases cached sequences, disposes the engine and refuses new calls', async () => {
    const { lm, engine } = createFakeLM();
    await lm.complete('abc', { maxTokens: 2 });
    expect(engine.sequences.size).toBe(1);
    await lm.dispose();
    expect(engine.sequences.size).toBe(0);
    expect(engine.disposed).toBe(true);
    await expect(lm.complete('abc')).rejects.toBeInstanceOf(UnsupportedError);
  });
});
