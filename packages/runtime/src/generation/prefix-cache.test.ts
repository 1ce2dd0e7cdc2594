import { describe, expect, it } from 'vitest';
import { PrefixCache } from './prefix-cache.js';
import { FakeEngine } from './testing/fake-engine.js';
import { createFakeLM, type FakeLM } from './testing/fake-lm.js';

// The next token depends on the whole cached sequence, so reusing a wrong prefix shows in the output.
const wholeHistory = (tokens: readonly number[], vocabSize: number) =>
  (tokens.reduce((sum, token, i) => sum + token * (i + 1), 0) % (vocabSize - 4)) + 2;

describe('prefix cache in LocalLM', () => {
  it('forks from a finished sequence instead of prefilling the same prompt again', async () => {
    const { lm, engine } = createFakeLM({ next: wholeHistory });
    const first = await lm.complete('abcdefgh', { maxTokens: 4 });
    const afterFirst = engine.forwardedTokens;
    // 9 prompt tokens + 3 fed back (the last sampled token is never forwarded)
    expect(afterFirst).toBe(12);
    const second = await lm.complete('abcdefgh', { maxTokens: 4 });
    expect(second.tokenIds).toEqual(first.tokenIds);
    expect(engine.forkCalls).toBe(1);
    // only the last prompt token runs again (its logits are needed), then 3 decode tokens
    expect(engine.forwardedTokens - afterFirst).toBe(1 + 3);
  });

  it('gives the same tokens as an uncached LM for diverging and extending prompts', async () => {
    const cached = createFakeLM({ next: wholeHistory });
    const plain = createFakeLM({ next: wholeHistory }, { prefixCacheSize: 0 });
    const first = await cached.lm.complete('abcdefgh', { maxTokens: 6 });
    const prompts = ['abcdefxy', `abcdefgh${first.text}zz`, 'abc', 'q'];
    for (const prompt of prompts) {
      const expected = await plain.lm.complete(prompt, { maxTokens: 6 });
      expect((await cached.lm.complete(prompt, { maxTokens: 6 })).tokenIds).toEqual(expected.tokenIds);
    }
    expect(cached.engine.forwardedTokens).toBeLessThan(plain.engine.forwardedTokens - 9);
    expect(cached.engine.forkCalls).toBeGreaterThanOrEqual(3);
    expect(plain.engine.forkCalls).toBe(0);
  });
  it('keeps as many finished calls as the idle slots hold, so 8 calls made again at once all hit', async () => {
    // Each prompt differs from the others at its first token, so only its own earlier run can serve it.
    const prompts = 'abcdefgh'.split('').map((c) => `${c}${'klmnopqrst'.repeat(2)}`);
    const run = async (lm: FakeLM['lm']) =>
      (await Promise.all(prompts.map((p) => lm.complete(p, { maxTokens: 4 })))).map((r) => r.tokenIds);
    const idle = createFakeLM({ next: wholeHistory, maxSequences: 16 });
    const four = createFakeLM({ next: wholeHistory, maxSequences: 16 }, { prefixCacheSize: 4 });
    const firstRun = await run(idle.lm);
    await run(four.lm);
    const before = { idle: idle.engine.forwardedTokens, four: four.engine.forwardedTokens };
    expect(await run(idle.lm)).toEqual(firstRun);
    await run(four.lm);
    expect(idle.lm.stats().prefixCacheEntries).toBe(8);
    // every prompt's last token again (its logits are needed), then 3 decode tokens each
    expect(idle.engine.forwardedTokens - before.idle).toBe(8 * (1 + 3));
    // four entries: the other four prompts run all 21 tokens again
    expect(four.engine.forwardedTokens - before.four).toBe(4 * (1 + 3) + 4 * (21 + 3));
  });

  it('hands each of N calls made again its own entry when N running and N cached exceed the slots', async () => {
    const prompts = 'abcd'.split('').map((c) => `${c}${'klmnopqrst'.repeat(4)}`);
    const run = async (lm: FakeLM['lm']) =>
      (await Promise.all(prompts.map((p) => lm.complete(p, { maxTokens: 4 })))).map((r) => r.tokenIds);
    // 5 slots: 4 running calls leave room for only one cached entry beside them
    const { lm, engine } = createFakeLM({ next: wholeHistory, maxSequences: 5 });
    const plain = createFakeLM({ next: wholeHistory, maxSequences: 5 }, { prefixCacheSize: 0 });
    const expected = await run(plain.lm);
    expect(await run(lm)).toEqual(expected);
    expect(lm.stats().prefixCacheEntries).toBe(4);
    const before = engine.forwardedTokens;
    expect(await run(lm)).toEqual(expected);
    // every prompt's last token again, then 3 decode tokens each; no sequence forked or evicted
    expect(engine.forwardedTokens - before).toBe(4 * (1 + 3));
    expect(engine.peakSequences).toBe(5);
    expect(lm.stats().prefixCacheEntries).toBe(4);
  });

  it('gives its slots back to calls that need them, oldest entries first', async () => {
    const { lm, engine } = createFakeLM({ next: wholeHistory, maxSequences: 4 });
    for (const p of ['abc', 'def', 'ghi']) await lm.complete(p, { maxTokens: 2 });
    expect(lm.stats().prefixCacheEntries).toBe(3);
    const results = await Promise.all(['klm', 'nop', 'qrs'].map((p) => lm.complete(p, { maxTokens: 2 })));
    expect(results.every((r) => r.tokenIds?.length === 2)).toBe(true);
    expect(engine.peakSequences).toBe(4);
    // the three newest calls are cached; 'abc', the oldest, gave its slot up first
    let before = engine.forwardedTokens;
    await lm.complete('qrs', { maxTokens: 2 });
    expect(engine.forwardedTokens - before).toBe(1 + 1);
    before = engine.forwardedTokens;
    await lm.complete('abc', { maxTokens: 2 });
    // all but the BOS token every prompt shares, then 1 decode token
    expect(engine.forwardedTokens - before).toBe(3 + 1);
  });
});

describe('PrefixCache', () => {
  it('take hands over the best entry cut to the matched prefix and forgets it', () => {
    const engine = new FakeEngine({ vocabSize: 8 });
    const cache = new PrefixCache(engine, 4);
    for (const tokens of [
      [1, 2, 3, 4],
      [5, 6, 7],
    ]) {
      const seq = engine.createSequence();
      engine.sequences.get(seq)!.push(...tokens);
      cache.store(seq, tokens);
    }
    expect(cache.take([6, 6])).toBeUndefined();
    const taken = cache.take([1, 2, 3, 7, 7])!;
    expect(taken.reused).toBe(3);
    expect(engine.sequences.get(taken.seq)).toEqual([1, 2, 3]);
    expect(cache.size).toBe(1);
    expect(cache.match([1, 2, 3])).toBe(0);
    expect(cache.match([5, 6, 7])).toBe(3);
    expect(engine.forkCalls).toBe(0);
  });

  it('keeps at most maxEntries sequences, releasing the least recently used', () => {
    const engine = new FakeEngine({ vocabSize: 8 });
    const cache = new PrefixCache(engine, 2);
    const store = (tokens: number[]) => {
      const seq = engine.createSequence();
      engine.sequences.get(seq)!.push(...tokens);
      cache.store(seq, tokens);
      return seq;
    };
    const a = store([1, 2, 3]);
    store([4, 5, 6]);
    // touching [1, 2, 3] makes [4, 5, 6] the oldest
    const hit = cache.acquire([1, 2, 7]);
    expect(hit.reused).toBe(2);
    expect(engine.sequences.get(hit.seq)).toEqual([1, 2]);
    engine.release(hit.seq);
    store([6, 6, 6]);
    expect(cache.size).toBe(2);
    expect(cache.acquire([4, 5, 6, 1]).reused).toBe(0);
    expect(engine.sequences.has(a)).toBe(true);
  });

  it('replaces an entry by one that extends it, and leaves one token to run', () => {
    const engine = new FakeEngine({ vocabSize: 8 });
    const cache = new PrefixCache(engine, 4);
    const short = engine.createSequence();
    engine.sequences.get(short)!.push(1, 2);
    cache.store(short, [1, 2]);
    const long = engine.createSequence();
    engine.sequences.get(long)!.push(1, 2, 3, 4);
    cache.store(long, [1, 2, 3, 4]);
    expect(cache.size).toBe(1);
    expect(engine.sequences.has(short)).toBe(false);
    const exact = cache.acquire([1, 2, 3, 4]);
    expect(exact.reused).toBe(3);
    expect(engine.sequenceLength(exact.seq)).toBe(3);
    cache.clear();
    expect(engine.sequences.size).toBe(1);
  });
});

describe('PrefixCache as a radix tree', () => {
  const setup = (options: { maxEntries: number; maxBytes?: number }) => {
    const engine = new FakeEngine({ vocabSize: 16, kvBytesPerToken: 1 });
    const cache = new PrefixCache(engine, options);
    const store = (tokens: number[]) => {
      const seq = engine.createSequence();
      engine.sequences.get(seq)!.push(...tokens);
      cache.store(seq, tokens);
    };
    return { engine, cache, store };
  };

  it('serves a shared stem from any branch and holds one sequence per branch', () => {
    const { engine, cache, store } = setup({ maxEntries: 8 });
    store([1, 2, 3, 4]);
    store([1, 2, 5, 6]);
    store([1, 2, 3, 4, 7]);
    expect(cache.size).toBe(2);
    expect(cache.heldTokens).toBe(9);
    expect(cache.match([1, 2, 9])).toBe(2);
    const hit = cache.acquire([1, 2, 3, 4, 7, 8]);
    expect(hit.reused).toBe(5);
    expect(engine.sequences.get(hit.seq)).toEqual([1, 2, 3, 4, 7]);
    // a prompt ending inside an edge still reuses all but its last token
    const inside = cache.acquire([1, 2, 5]);
    expect(inside.reused).toBe(2);
    expect(engine.sequences.get(inside.seq)).toEqual([1, 2]);
  });

  it('trims the least recently used branch back to a stem it alone held, under the byte budget', () => {
    const { engine, cache, store } = setup({ maxEntries: 8, maxBytes: 6 });
    store([1, 2, 3, 4]);
    store([1, 2, 3, 5]);
    // 8 bytes > 6: the older branch [.., 4] goes, its sibling keeps the stem
    expect(cache.heldTokens).toBe(4);
    expect(cache.match([1, 2, 3, 4])).toBe(3);
    store([9, 9, 9]);
    // 7 bytes > 6: [1, 2, 3, 5] is the oldest, and only it holds [1, 2, 3]: trimmed, not dropped
    expect(cache.heldTokens).toBe(6);
    expect(cache.size).toBe(2);
    expect(cache.match([1, 2, 3, 5])).toBe(3);
    const hit = cache.acquire([1, 2, 3, 5]);
    expect(engine.sequences.get(hit.seq)).toEqual([1, 2, 3]);
  });

  it('gives a slot up whole when asked, pruning the branch', () => {
    const { engine, cache, store } = setup({ maxEntries: 8 });
    store([1, 2, 3]);
    store([4, 5]);
    expect(cache.evictOldest()).toBe(true);
    expect(cache.match([1, 2, 3])).toBe(0);
    expect(cache.match([4, 5])).toBe(2);
    expect(engine.sequences.size).toBe(1);
    expect(cache.evictOldest()).toBe(true);
    expect(cache.evictOldest()).toBe(false);
    expect(engine.sequences.size).toBe(0);
  });

  it('gives up last the entries that upcoming prompts would fork at least minTokens from', () => {
    const { cache, store } = setup({ maxEntries: 8 });
    store([1, 2, 3, 4]);
    store([5, 6, 7]);
    store([8, 9]);
    // [1, 2, 3, 4] is the oldest but a prompt wants 3 of its tokens; [5, 6, 7] is wanted for 1 only
    expect(
      cache.evictOldest(
        [
          [1, 2, 3, 9],
          [5, 0],
        ],
        2,
      ),
    ).toBe(true);
    expect(cache.match([1, 2, 3, 4])).toBe(4);
    expect(cache.match([5, 6, 7])).toBe(0);
    // every entry wanted: the least recently used goes all the same
    expect(
      cache.evictOldest(
        [
          [1, 2, 3, 9],
          [8, 9, 9],
        ],
        2,
      ),
    ).toBe(true);
    expect(cache.match([1, 2, 3, 4])).toBe(0);
    expect(cache.size).toBe(1);
  });
});
