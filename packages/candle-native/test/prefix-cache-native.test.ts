import { argmax } from '@x/runtime';
import { cachedVersusCold, cachePrompts } from '@x/runtime/testing';
import { describe, expect, it } from 'vitest';
import { loadEngine } from '../src/engine/load-engine.js';
import { loadLM } from '../src/lm/load-lm.js';
import { storiesPath } from './support/paths.js';

// The native kernels' F32 sums depend on how many rows a forward call holds (a token's KV computed
// in a 52-token prefill differs in the last bits from the same token in a 40-token one), so a hit
// is held to 1e-4 of a cold run: a stale or misaligned prefix moves logits by whole units.
function expectSameLogits(cached: Float32Array, cold: Float32Array): void {
  expect(cached.length).toBe(cold.length);
  let worst = 0;
  for (let i = 0; i < cold.length; i++) worst = Math.max(worst, Math.abs(cached[i]! - cold[i]!));
  expect(worst).toBeLessThan(1e-4);
  expect(argmax(cached)).toBe(argmax(cold));
}

describe('radix prefix cache on the native engine (stories260K, F32 weights and KV)', () => {
  it("gives a cold run's logits on every hit (within F32 rounding), also after trims, evictions and truncation", async () => {
    const engine = await loadEngine(storiesPath, { threads: 1, contextLength: 128, kvType: 'f32' });
    try {
      const prompts = cachePrompts(engine.info.vocabSize);
      const roomy = await cachedVersusCold(engine, prompts, { maxEntries: 8 });
      expect(roomy.hits.filter((hit) => hit.reused > 0).length).toBeGreaterThanOrEqual(6);
      for (const hit of roomy.hits) expectSameLogits(hit.cached, hit.cold);
      roomy.cache.clear();
      const perToken = engine.info.kvBytesPerToken!;
      const tight = await cachedVersusCold(engine, prompts, { maxEntries: 3, maxBytes: 70 * perToken });
      expect(tight.cache.heldTokens).toBeLessThanOrEqual(70);
      for (const hit of tight.hits) expectSameLogits(hit.cached, hit.cold);
      tight.cache.clear();
    } finally {
      await engine.dispose();
    }
  });
});

describe('prompt lookup on the native engine (stories260K, F32)', () => {
  it('gives exactly the plain greedy tokens', async () => {
    const options = { threads: 1, contextLength: 256, kvType: 'f32' } as const;
    // A fixed verify cost: drafting must not hinge on this machine's timings of the first steps.
    const on = await loadLM(storiesPath, { ...options, promptLookupVerifyCostPerToken: 0.1 });
    const off = await loadLM(storiesPath, { ...options, promptLookupMaxBatch: 0 });
    let drafts = 0;
    const forward = on.engine.forward.bind(on.engine);
    on.engine.forward = (batch, signal) => {
      drafts += batch.filter((request) => request.logitsFor === 'all').length;
      return forward(batch, signal);
    };
    // Greedy steps go through forwardArgmax (the drafts are verified on argmax ids there).
    const forwardArgmax = on.engine.forwardArgmax!.bind(on.engine);
    on.engine.forwardArgmax = (batch, signal) => {
      drafts += batch.filter((request) => request.logitsFor === 'all').length;
      return forwardArgmax(batch, signal);
    };
    try {
      const prompts = [
        'Once upon a time, there was a little girl named Lily. She loved to play. Once upon a time, there was a',
        'Tom had a red ball. Tom liked the red ball. One day Tom',
      ];
      for (const prompt of prompts) {
        const fast = await on.complete(prompt, { maxTokens: 48 });
        expect(fast.tokenIds).toEqual((await off.complete(prompt, { maxTokens: 48 })).tokenIds);
      }
      expect(drafts).toBeGreaterThan(3);
    } finally {
      await on.dispose();
      await off.dispose();
    }
  });
});

describe('sequential calls sharing instructions and demos on the native engine (stories260K, F32)', () => {
  it('prefill only what follows the cached prefix and give the tokens of a run with the cache off', async () => {
    const options = { threads: 1, contextLength: 256, kvType: 'f32', promptLookupMaxBatch: 0 } as const;
    const cached = await loadLM(storiesPath, options);
    const plain = await loadLM(storiesPath, { ...options, prefixCacheSize: 0 });
    const prefilled: number[] = [];
    const forward = cached.engine.forward.bind(cached.engine);
    cached.engine.forward = (batch, signal) => {
      if (batch[0]!.tokens.length > 1) prefilled.push(batch[0]!.tokens.length);
      return forward(batch, signal);
    };
    // Greedy steps, prefill included, go through forwardArgmax.
    const forwardArgmax = cached.engine.forwardArgmax!.bind(cached.engine);
    cached.engine.forwardArgmax = (batch, signal) => {
      if (batch[0]!.tokens.length > 1) prefilled.push(batch[0]!.tokens.length);
      return forwardArgmax(batch, signal);
    };
    const stem =
      'Tell a short story. Example: Lily had a cat. The cat was soft. Lily was happy. ' +
      'Example: Tom saw a big dog. The dog ran to the park. Tom ran too. Now the story about ';
    try {
      const names = ['a girl named Sue', 'a boy named Max', 'a bird', 'a little red car'];
      for (const name of names) {
        const prompt = `${stem}${name}:`;
        const length = cached.encodeRequest({ kind: 'completion', prompt }).length;
        const before = prefilled.length;
        const a = await cached.complete(prompt, { maxTokens: 24 });
        expect(a.tokenIds).toEqual((await plain.complete(prompt, { maxTokens: 24 })).tokenIds);
        const ran = prefilled.slice(before).reduce((sum, n) => sum + n, 0);
        if (name === names[0]) expect(ran).toBe(length);
        else expect(ran).toBeLessThan(length / 3);
      }
    } finally {
      await cached.dispose();
      await plain.dispose();
    }
  });
});
