import { describe, expect, it } from 'vitest';
import { ParallelError } from '../errors/parallel-error.js';
import { ScriptedLM } from '../testing/scripted-lm.js';
import { Parallel } from './parallel.js';
import { Predict } from './predict.js';

const echo = new ScriptedLM({
  chunkDelayMs: 1,
  responses: (call) => {
    const question = /\[\[ ## question ## \]\]\n(.*)/.exec(call.messages!.at(-1)!.content)![1]!;
    if (question.startsWith('fail')) return new Error(`failed on ${question}`);
    return `[[ ## answer ## ]]\n${question.toUpperCase()}\n\n[[ ## completed ## ]]`;
  },
});

describe('Parallel (dspy/predict/parallel.py)', () => {
  it('runs (module, inputs) pairs with bounded concurrency and keeps their order', async () => {
    let inFlight = 0;
    let peak = 0;
    const predict = new Predict('question -> answer', { lm: echo });
    const counted = {
      forward: async (inputs: { question: string }) => {
        peak = Math.max(peak, ++inFlight);
        try {
          return await predict.forward(inputs);
        } finally {
          inFlight--;
        }
      },
    };
    const questions = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    const results = await new Parallel({ concurrency: 3 }).forward(
      questions.map((question) => [counted, { question }] as const),
    );
    expect(results.map((result) => result?.answer)).toEqual(questions.map((q) => q.toUpperCase()));
    expect(peak).toBe(3);
  });

  it('gives undefined for failed calls and reports the failed examples', async () => {
    const predict = new Predict('question -> answer', { lm: echo });
    const run = await new Parallel({ concurrency: 2 }).run([
      [predict, { question: 'x' }],
      [predict, { question: 'fail-1' }],
      [predict, { question: 'y' }],
    ]);
    expect(run.results.map((result) => result?.answer)).toEqual(['X', undefined, 'Y']);
    expect(run.failedExamples).toEqual([{ question: 'fail-1' }]);
    expect(String(run.errors[0])).toContain('failed on fail-1');
  });

  it('throws ParallelError once failures pass maxErrors', async () => {
    const predict = new Predict('question -> answer', { lm: echo });
    const pairs = ['fail-1', 'fail-2', 'ok'].map((question) => [predict, { question }] as const);
    const error = await new Parallel({ concurrency: 1, maxErrors: 1 })
      .forward(pairs)
      .catch((e: unknown) => e);
    expect(ParallelError.isInstance(error)).toBe(true);
    expect((error as ParallelError).failures).toBe(2);
    expect(() => new Parallel({ concurrency: 0 })).toThrow(RangeError);
  });
});
