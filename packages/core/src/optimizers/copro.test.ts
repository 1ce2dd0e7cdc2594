import { describe, expect, it } from 'vitest';
import { AbortError } from '../errors/abort-error.js';
import { exactAnswer, sumExamples } from '../evaluate/__fixtures__/arithmetic.js';
import { evaluate } from '../evaluate/evaluate.js';
import { Predict } from '../modules/predict.js';
import { ScriptedLM } from '../testing/scripted-lm.js';
import { proposalAndSumModel } from './__fixtures__/proposal-model.js';
import { COPRO } from './copro.js';

const trainset = sumExamples(30, 21);

describe('COPRO', () => {
  it('keeps the best scored instruction over breadth × depth proposals', async () => {
    const lm = new ScriptedLM({ responses: proposalAndSumModel() });
    const student = new Predict('question -> answer', { lm });
    const optimizer = new COPRO({ metric: exactAnswer, breadth: 4, depth: 2, concurrency: 4 });
    const best = await optimizer.compile(student, { trainset });
    const attempts = optimizer.attempts;
    expect(attempts[0]).toMatchObject({
      predictor: 'self',
      depth: 0,
      instruction: student.signature.instructions,
    });
    expect(new Set(attempts.map((attempt) => attempt.instruction)).size).toBe(attempts.length);
    expect(attempts.some((attempt) => attempt.depth === 1)).toBe(true);
    const top = Math.max(...attempts.map((attempt) => attempt.score));
    expect(best.signature.instructions).toBe(attempts.find((attempt) => attempt.score === top)?.instruction);
    expect(best.signature.instructions).toContain('carefully');
    expect(student.signature.instructions).not.toContain('carefully');
    const rescored = await evaluate(best, { devset: trainset, metric: exactAnswer, displayProgress: false });
    expect(rescored.score).toBe(top);
    // The later round sees earlier attempts with their scores, worst first.
    const improving = lm.calls.find((call) => call.messages?.at(-1)?.content.includes('Score #1:'));
    expect(improving).toBeDefined();
  });

  it('is deterministic for a seed and stops on the signal', async () => {
    const run = async (seed: number) => {
      const optimizer = new COPRO({ metric: exactAnswer, breadth: 3, depth: 2, seed });
      await optimizer.compile(
        new Predict('question -> answer', { lm: new ScriptedLM({ responses: proposalAndSumModel() }) }),
        {
          trainset,
        },
      );
      return optimizer.attempts;
    };
    expect(await run(1)).toEqual(await run(1));
    const controller = new AbortController();
    controller.abort();
    const optimizer = new COPRO({ metric: exactAnswer, breadth: 3, depth: 2 });
    await expect(
      optimizer.compile(
        new Predict('question -> answer', { lm: new ScriptedLM({ responses: proposalAndSumModel() }) }),
        {
          trainset,
          signal: controller.signal,
        },
      ),
    ).rejects.toSatisfy(AbortError.isInstance);
  });

  it('stops with AbortError when the signal fires mid-run, and sends each call its own seed', async () => {
    const controller = new AbortController();
    const model = proposalAndSumModel();
    const lm = new ScriptedLM({
      responses: (call) => {
        if (call.index === 20) controller.abort();
        return model(call);
      },
    });
    const optimizer = new COPRO({ metric: exactAnswer, breadth: 3, depth: 3, seed: 4 });
    await expect(
      optimizer.compile(new Predict('question -> answer', { lm }), { trainset, signal: controller.signal }),
    ).rejects.toSatisfy(AbortError.isInstance);
    // A full run asks breadth proposals and scores each on 30 examples, per round: far more than this.
    expect(lm.calls.length).toBeLessThan(40);
    const proposalSeeds = lm.calls
      .filter((call) => !call.messages?.at(-1)?.content.includes('[[ ## question ## ]]'))
      .map((call) => call.options.seed);
    expect(proposalSeeds.length).toBeGreaterThan(0);
    expect(new Set(proposalSeeds).size).toBe(proposalSeeds.length);
  });
});
