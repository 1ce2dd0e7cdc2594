import { describe, expect, it } from 'vitest';
import { withCache } from '../lm/cached-lm.js';
import type { LM } from '../lm/lm.js';
import { Predict } from '../modules/predict.js';
import { ScriptedLM } from '../testing/scripted-lm.js';
import { exactAnswer, sumExamples, sumModel } from './__fixtures__/arithmetic.js';
import { defaultConcurrency, REMOTE_CONCURRENCY } from './default-concurrency.js';
import { evaluate } from './evaluate.js';

/** A scripted LM that counts calls in flight; `preferredConcurrency` makes it look local. */
function countingLM(preferredConcurrency?: number) {
  let inFlight = 0;
  const state = { maxInFlight: 0 };
  const model = sumModel();
  const lm = new ScriptedLM({
    responses: async (call) => {
      state.maxInFlight = Math.max(state.maxInFlight, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 3));
      inFlight -= 1;
      return model(call);
    },
  });
  if (preferredConcurrency !== undefined) Object.assign(lm, { preferredConcurrency });
  return { lm: lm as LM, state };
}

const devset = sumExamples(40);
const run = (lm: LM, callLM?: LM) =>
  evaluate(new Predict('question -> answer', { lm }), {
    devset,
    metric: exactAnswer,
    displayProgress: false,
    ...(callLM ? { forwardOptions: { lm: callLM } } : {}),
  } as never);

describe('Evaluate default concurrency', () => {
  it('fills a local LM batch, and keeps a remote LM to 8 calls in flight, with the same scores', async () => {
    const local = countingLM(32);
    const remote = countingLM();
    const localResult = await run(local.lm);
    const remoteResult = await run(remote.lm);
    expect(local.state.maxInFlight).toBe(32);
    expect(remote.state.maxInFlight).toBe(REMOTE_CONCURRENCY);
    expect(localResult.score).toBe(remoteResult.score);
    expect(localResult.score).toBeGreaterThan(0);
    expect(localResult.rows.map((row) => row.prediction)).toEqual(
      remoteResult.rows.map((row) => row.prediction),
    );
  });

  it("takes the call's LM over the predictors', the least of several, and sees through a cache", async () => {
    const local = countingLM(16);
    expect(defaultConcurrency(new Predict('a -> b', { lm: countingLM().lm }), local.lm)).toBe(16);
    expect(defaultConcurrency(new Predict('a -> b', { lm: withCache(local.lm) }), undefined)).toBe(16);
    expect(defaultConcurrency(new Predict('a -> b'), undefined)).toBe(REMOTE_CONCURRENCY);
    const two = {
      namedPredictors: () =>
        [
          ['a', new Predict('a -> b', { lm: countingLM(16).lm })],
          ['b', new Predict('b -> c', { lm: countingLM(4).lm })],
        ] as Array<[string, unknown]>,
    };
    expect(defaultConcurrency(two, undefined)).toBe(4);
    const mixed = {
      namedPredictors: () =>
        [
          ['a', new Predict('a -> b', { lm: countingLM(16).lm })],
          ['b', new Predict('b -> c', { lm: countingLM().lm })],
        ] as Array<[string, unknown]>,
    };
    expect(defaultConcurrency(mixed, undefined)).toBe(REMOTE_CONCURRENCY);

    const remote = countingLM();
    await run(remote.lm, local.lm);
    expect(local.state.maxInFlight).toBe(16);
    expect(remote.state.maxInFlight).toBe(0);
  });
});
