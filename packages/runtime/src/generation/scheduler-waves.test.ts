import { describe, expect, it } from 'vitest';
import { createFakeLM } from './testing/fake-lm.js';

const letters = 'abcdefghijklmnopqrstuvwxyz';

/** Awaits `hops` microtasks, as a caller's own code (an adapter, a metric) does between two calls. */
async function hops(count: number): Promise<void> {
  for (let i = 0; i < count; i++) await Promise.resolve();
}

describe('waves of calls', () => {
  it('admits calls that reach the LM several awaits apart into the same first step', async () => {
    const { lm, engine } = createFakeLM({}, { prefixCacheSize: 0 });
    const results = await Promise.all(
      [...letters.slice(0, 8)].map(async (p, i) => {
        await hops(3 * i);
        return lm.complete(p, { maxTokens: 3 });
      }),
    );
    expect(results.map((r) => r.text)).toEqual(['bcd', 'cde', 'def', 'efg', 'fgh', 'ghi', 'hij', 'ijk']);
    // one prefill step for all 8, then two decode steps of 8
    expect(engine.calls.map((call) => call.length)).toEqual([8, 8, 8]);
  });

  it('prefills the next wave in one step when each finished call is answered by another', async () => {
    const { lm, engine } = createFakeLM({}, { prefixCacheSize: 0 });
    // Each worker makes 3 calls in turn, a dozen awaits apart, as an evaluation's workers do.
    await Promise.all(
      [...letters.slice(0, 8)].map(async (p, i) => {
        for (let round = 0; round < 3; round++) {
          await hops(12);
          await lm.complete(letters[(i + 8 * round) % 26]! + p, { maxTokens: 2 });
        }
      }),
    );
    // Per wave: one step prefilling all 8 prompts (each sampling its first token), one decode step.
    expect(engine.calls.map((call) => call.length)).toEqual([8, 8, 8, 8, 8, 8]);
    const prefillSteps = engine.calls.filter((call) => call.every((request) => request.tokens.length > 1));
    expect(prefillSteps).toHaveLength(3);
  });

  it('lets a call that finished a step early be joined by the others before its next prompt runs', async () => {
    const { lm, engine } = createFakeLM({}, { prefixCacheSize: 0 });
    // Worker 0's calls are one token shorter: its next call arrives while the others still decode,
    // and goes into their last decode step instead of a step of its own.
    await Promise.all(
      [...letters.slice(0, 4)].map(async (p, i) => {
        for (let round = 0; round < 2; round++) {
          await hops(12);
          await lm.complete(letters[(i + 4 * round) % 26]! + p, { maxTokens: i === 0 ? 2 : 3 });
        }
      }),
    );
    // wave 1: prefill 4, decode 4, then 3 decodes + worker 0's next prompt; wave 2: worker 0's last
    // decode + the 3 others' prompts, then their 2 decodes. No step prefills a prompt alone.
    expect(engine.calls.map((call) => call.length)).toEqual([4, 4, 4, 4, 3, 3]);
    expect(engine.calls[2]!.map((request) => request.tokens.length > 1)).toEqual([false, false, false, true]);
    expect(engine.calls[3]!.map((request) => request.tokens.length > 1)).toEqual([false, true, true, true]);
  });
});
