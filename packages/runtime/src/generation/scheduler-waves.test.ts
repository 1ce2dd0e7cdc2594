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

  it('runs the others on while a call that finished early is answered, then prefills it with theirs', async () => {
    const { lm, engine } = createFakeLM({}, { prefixCacheSize: 0 });
    // Worker 0's calls are one token shorter: it finishes while 3 others still decode, so their last
    // step runs at once (no wait for worker 0's next call), and that call's prompt then goes into one
    // step with the 3 others' next prompts, which finished with at least as many as still decoded.
    await Promise.all(
      [...letters.slice(0, 4)].map(async (p, i) => {
        for (let round = 0; round < 2; round++) {
          await hops(12);
          await lm.complete(letters[(i + 4 * round) % 26]! + p, { maxTokens: i === 0 ? 2 : 3 });
        }
      }),
    );
    expect(engine.calls.map((call) => call.length)).toEqual([4, 4, 3, 4, 4, 3]);
    expect(engine.calls[2]!.every((request) => request.tokens.length === 1)).toBe(true);
    expect(engine.calls[3]!.every((request) => request.tokens.length > 1)).toBe(true);
  });
});
