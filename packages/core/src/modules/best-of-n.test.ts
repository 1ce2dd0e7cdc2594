import { describe, expect, it } from 'vitest';
import { LMError } from '../errors/lm-error.js';
import { Signature } from '../signature/signature.js';
import { ScriptedLM } from '../testing/scripted-lm.js';
import { BestOfN } from './best-of-n.js';
import type { TraceEntry } from './module.js';
import { Predict } from './predict.js';

const reply = (answer: string) => `[[ ## answer ## ]]\n${answer}\n\n[[ ## completed ## ]]`;
const oneWord = (_inputs: unknown, prediction: { answer: string }) =>
  prediction.answer.split(/\s+/).length === 1 ? 1 : 0;

describe('BestOfN (dspy/predict/best_of_n.py)', () => {
  it('stops at the first attempt that reaches the threshold; attempts run at temperature 1.0 with rising seeds', async () => {
    const lm = new ScriptedLM({
      responses: [reply('It is Brussels'), reply('Brussels'), reply('never asked')],
    });
    const best = new BestOfN(new Predict(Signature.from('question -> answer'), { lm }), {
      n: 3,
      rewardFn: oneWord,
      threshold: 1,
    });
    const prediction = await best.forward({ question: 'Capital of Belgium?' }, { seed: 10 });
    expect(prediction.answer).toBe('Brussels');
    expect(lm.calls).toHaveLength(2);
    // `lm_ = lm.copy(rollout_id=rid, temperature=1.0)` with rid = start + i
    expect(lm.calls.map((call) => [call.options.temperature, call.options.seed])).toEqual([
      [1, 10],
      [1, 11],
    ]);
  });

  it('returns the highest-scoring attempt when none reaches the threshold, and keeps only its trace', async () => {
    const lm = new ScriptedLM({ responses: [reply('a b c'), reply('a'), reply('a b')] });
    const reward = (_inputs: unknown, prediction: { answer: string }) => -prediction.answer.length;
    const best = new BestOfN(new Predict(Signature.from('question -> answer'), { lm }), {
      n: 3,
      rewardFn: reward,
      threshold: 0,
    });
    const trace: TraceEntry[] = [];
    const prediction = await best.forward({ question: 'q' }, { trace });
    expect(prediction.answer).toBe('a');
    expect(lm.calls).toHaveLength(3);
    expect(trace.map((entry) => entry.outputs)).toEqual([{ answer: 'a' }]);
  });

  it('tolerates failed attempts, and throws when every attempt failed', async () => {
    const flaky = new ScriptedLM({ responses: [new LMError('boom'), reply('Brussels')] });
    const best = new BestOfN(new Predict(Signature.from('question -> answer'), { lm: flaky }), {
      n: 2,
      rewardFn: oneWord,
      threshold: 1,
    });
    expect((await best.forward({ question: 'q' })).answer).toBe('Brussels');

    const broken = new ScriptedLM({
      responses: [new LMError('one'), new LMError('two'), new LMError('three')],
    });
    const failing = new BestOfN(new Predict(Signature.from('question -> answer'), { lm: broken }), {
      n: 3,
      rewardFn: oneWord,
      threshold: 1,
    });
    await expect(failing.forward({ question: 'q' })).rejects.toThrow('three');
  });

  it('throws as soon as failures pass failCount (`if idx > self.fail_count: raise e`)', async () => {
    const broken = new ScriptedLM({ responses: [new LMError('one'), new LMError('two'), reply('ok')] });
    const best = new BestOfN(new Predict(Signature.from('question -> answer'), { lm: broken }), {
      n: 3,
      rewardFn: oneWord,
      threshold: 1,
      failCount: 0,
    });
    await expect(best.forward({ question: 'q' })).rejects.toThrow('two');
    expect(broken.calls).toHaveLength(2);
  });

  it('rejects n < 1 and clones its module', () => {
    const predict = new Predict(Signature.from('question -> answer'));
    expect(() => new BestOfN(predict, { n: 0, rewardFn: oneWord, threshold: 1 })).toThrow(RangeError);
    const best = new BestOfN(predict, { n: 2, rewardFn: oneWord, threshold: 1 });
    const copy = best.clone();
    expect(copy.module).not.toBe(predict);
    expect(copy.namedPredictors().map(([name]) => name)).toEqual(['module.self']);
  });
});
