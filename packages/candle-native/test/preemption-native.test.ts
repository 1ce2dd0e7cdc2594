import { expectPreemptedSame } from '@x/runtime/testing';
import { describe, expect, it } from 'vitest';
import { loadLM } from '../src/lm/load-lm.js';
import { storiesPath } from './support/paths.js';

const options = { threads: 1, contextLength: 128, kvType: 'f32', prefillChunkSize: 8 } as const;
const prompts = ['Once upon a time', 'The cat sat', 'Lily and Ben went', 'One day, a little', 'Tom had a'];

describe('preemption by recompute on the native engine (stories260K)', () => {
  it('gives the greedy and the seeded tokens of a run without a budget', async () => {
    const free = await loadLM(storiesPath, { ...options, prefixCacheSize: 0 });
    const perToken = free.engine.info.kvBytesPerToken!;
    // a request ends holding at most ~8 prompt + 32 tokens: 56 fit one, part of a second
    const tight = await loadLM(storiesPath, { ...options, kvMemoryBytes: 56 * perToken });
    try {
      const greedy = await expectPreemptedSame(tight, free, prompts, () => ({ maxTokens: 32 }));
      const seeded = await expectPreemptedSame(tight, free, prompts, (i) => ({
        maxTokens: 32,
        temperature: 0.9,
        seed: i,
      }));
      expect(seeded.preemptions).toBeGreaterThan(greedy.preemptions);
      expect(tight.stats().kvBytesReserved).toBeLessThanOrEqual(56 * perToken);
    } finally {
      await tight.dispose();
      await free.dispose();
    }
  }, 120_000);

  it('fails a request that alone outgrows the budget with OutOfMemoryError', async () => {
    const lm = await loadLM(storiesPath, { ...options, kvMemoryBytes: 1280 * 12 });
    try {
      const error = await lm.complete('Once upon a time', { maxTokens: 40 }).catch((e: unknown) => e);
      expect(error).toMatchObject({
        name: 'OutOfMemoryError',
        code: 'X_OUT_OF_MEMORY',
        limitBytes: 1280 * 12,
      });
      expect(lm.stats()).toMatchObject({ activeRequests: 0, kvSlotsInUse: 0 });
    } finally {
      await lm.dispose();
    }
  });
});
