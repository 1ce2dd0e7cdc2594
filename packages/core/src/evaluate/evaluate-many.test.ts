import { describe, expect, it } from 'vitest';
import { Predict } from '../modules/predict.js';
import { ScriptedLM } from '../testing/scripted-lm.js';
import { exactAnswer, sumExamples, sumModel } from './__fixtures__/arithmetic.js';
import { Evaluate } from './evaluate.js';

const devset = sumExamples(10, 3);

/**
 * A scripted sum model that logs each call's start and end as `<program>:<example index>` (the
 * program told by its demo count: 0 → A, 4 → B), and counts calls in flight.
 */
function loggingLM(local: boolean) {
  const events: string[] = [];
  const state = { inFlight: 0, maxInFlight: 0 };
  const model = sumModel();
  const lm = new ScriptedLM({
    responses: async (call) => {
      const messages = call.messages ?? [];
      const question = /\[\[ ## question ## \]\]\n([^\n]*)/.exec(messages.at(-1)?.content ?? '')?.[1];
      const name = `${messages.some((m) => m.role === 'assistant') ? 'B' : 'A'}:${devset.findIndex((e) => e.question === question)}`;
      state.maxInFlight = Math.max(state.maxInFlight, ++state.inFlight);
      events.push(`start ${name}`);
      await new Promise((resolve) => setTimeout(resolve, 2));
      events.push(`end ${name}`);
      state.inFlight -= 1;
      return model(call);
    },
  });
  if (local) Object.assign(lm, { preferredConcurrency: 8 });
  return { lm, events, state };
}

/** Program A answers zero-shot, B with 4 demos (from another set, so the dev questions stay apart). */
function programs(lm: ScriptedLM) {
  const a = new Predict('question -> answer', { lm });
  const b = new Predict('question -> answer', { lm });
  b.demos = sumExamples(4, 9);
  return [a, b];
}

const evaluator = (options = {}) =>
  new Evaluate({ devset, metric: exactAnswer, concurrency: 4, displayProgress: false, ...options });

describe('Evaluate.runMany', () => {
  it('scores each program as run does, starting the next while the last calls of the one before run', async () => {
    const { lm, events, state } = loggingLM(true);
    const many = await evaluator().runMany(programs(lm));
    expect(state.maxInFlight).toBe(4);
    // B's first call starts before A's last call ends: no tail of A runs with the batch half empty
    expect(events.indexOf('start B:0')).toBeLessThan(events.indexOf('end A:9'));
    const one = await Promise.all(programs(lm).map((program) => evaluator().run(program)));
    expect(many.map((r) => r.rows.map((row) => row.score))).toEqual(
      one.map((r) => r.rows.map((row) => row.score)),
    );
    expect(many.map((r) => r.score)).toEqual(one.map((r) => r.score));
    expect(many[0]!.score).toBeLessThan(many[1]!.score);
  });

  it("runs each program's first example alone for a remote LM, before that program's others", async () => {
    const { lm, events } = loggingLM(false);
    await evaluator().runMany(programs(lm));
    expect(events.slice(0, 2)).toEqual(['start A:0', 'end A:0']);
    const bStarts = events.filter((event) => event.startsWith('start B:'));
    expect(bStarts[0]).toBe('start B:0');
    expect(events.indexOf(bStarts[1]!)).toBeGreaterThan(events.indexOf('end B:0'));
    // …while A's last calls may still run
    expect(events.indexOf('start B:0')).toBeLessThan(events.indexOf('end A:9'));
  });

  it('leaves JSON output to run', async () => {
    await expect(evaluator({ saveAsJson: 'x.json' }).runMany(programs(loggingLM(true).lm))).rejects.toThrow(
      RangeError,
    );
  });
});
