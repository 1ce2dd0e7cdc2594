import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AbortError } from '../errors/abort-error.js';
import { Predict } from '../modules/predict.js';
import { ScriptedLM } from '../testing/scripted-lm.js';
import { exactAnswer, sumExamples, sumModel } from './__fixtures__/arithmetic.js';
import { Evaluate, evaluate } from './evaluate.js';
import { TooManyErrorsError } from './too-many-errors-error.js';

const devset = sumExamples(40);

function countingLM(options: Parameters<typeof sumModel>[0] = {}) {
  let inFlight = 0;
  const state = { maxInFlight: 0 };
  const model = sumModel(options);
  const lm = new ScriptedLM({
    chunkDelayMs: 1,
    responses: async (call) => {
      state.maxInFlight = Math.max(state.maxInFlight, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 2 + (call.index % 3)));
      inFlight -= 1;
      return model(call);
    },
  });
  return { lm, state };
}

describe('Evaluate', () => {
  it('gives the same scores and rows with 8 calls in flight as with 1', async () => {
    const serial = countingLM({ garbleBelow: 0.1 });
    const parallel = countingLM({ garbleBelow: 0.1 });
    const one = await evaluate(new Predict('question -> answer', { lm: serial.lm }), {
      devset,
      metric: exactAnswer,
      concurrency: 1,
      displayProgress: false,
    });
    const eight = await evaluate(new Predict('question -> answer', { lm: parallel.lm }), {
      devset,
      metric: exactAnswer,
      concurrency: 8,
      displayProgress: false,
    });
    expect(serial.state.maxInFlight).toBe(1);
    expect(parallel.state.maxInFlight).toBe(8);
    expect(eight.score).toBe(one.score);
    expect(eight.rows.map((row) => row.score)).toEqual(one.rows.map((row) => row.score));
    expect(eight.rows.map((row) => row.example)).toEqual(devset);
    expect(one.errors).toBeGreaterThan(0);
    expect(one.errors).toBe(eight.errors);
    // score = round(100 * ncorrect / ntotal, 2) (dspy/evaluate/evaluate.py, EvaluationResult(score=...))
    const correct = one.rows.filter((row) => row.score === 1).length;
    expect(one.score).toBe(Math.round((10000 * correct) / devset.length) / 100);
    expect(correct).toBeGreaterThan(0);
    expect(correct).toBeLessThan(devset.length - one.errors);
  });

  it('runs the first example alone, so a prefix cache is warm before the batch', async () => {
    const events: string[] = [];
    const model = sumModel();
    const lm = new ScriptedLM({
      responses: async (call) => {
        events.push(`start ${call.index}`);
        await new Promise((resolve) => setTimeout(resolve, 2));
        events.push(`end ${call.index}`);
        return model(call);
      },
    });
    const options = {
      devset: devset.slice(0, 5),
      metric: exactAnswer,
      concurrency: 4,
      displayProgress: false,
    };
    await evaluate(new Predict('question -> answer', { lm }), options);
    expect(events.slice(0, 3)).toEqual(['start 0', 'end 0', 'start 1']);
    expect(events[3]).toBe('start 2');
    events.length = 0;
    await evaluate(new Predict('question -> answer', { lm }), { ...options, warmup: 0 });
    expect(events.slice(0, 2)).toEqual(['start 5', 'start 6']);
  });

  it('runs no example alone for a local LM, whose scheduler shares the prefix of calls made together', async () => {
    const events: string[] = [];
    const model = sumModel();
    const recording = (name: string) =>
      new ScriptedLM({
        responses: async (call) => {
          events.push(`${name} start ${call.index}`);
          await new Promise((resolve) => setTimeout(resolve, 2));
          events.push(`${name} end ${call.index}`);
          return model(call);
        },
      });
    const local = Object.assign(recording('local'), { preferredConcurrency: 8 });
    const options = {
      devset: devset.slice(0, 5),
      metric: exactAnswer,
      concurrency: 4,
      displayProgress: false,
    };
    const localResult = await evaluate(new Predict('question -> answer', { lm: local }), options);
    expect(events.slice(0, 4)).toEqual(['local start 0', 'local start 1', 'local start 2', 'local start 3']);
    events.length = 0;
    // a remote LM given for the call keeps the warmup
    const remoteResult = await evaluate(new Predict('question -> answer', { lm: local }), {
      ...options,
      forwardOptions: { lm: recording('remote') },
    } as never);
    expect(events.slice(0, 3)).toEqual(['remote start 0', 'remote end 0', 'remote start 1']);
    expect(remoteResult.rows.map((row) => row.score)).toEqual(localResult.rows.map((row) => row.score));
    events.length = 0;
    await evaluate(new Predict('question -> answer', { lm: local }), { ...options, warmup: 1 });
    expect(events.slice(0, 3)).toEqual(['local start 5', 'local end 5', 'local start 6']);
  });

  it('counts a failing example at failureScore and keeps going', async () => {
    const lm = new ScriptedLM({
      responses: ['[[ ## answer ## ]]\n3\n\n[[ ## completed ## ]]', new Error('server down'), 'garbled'],
    });
    const result = await new Evaluate({
      devset: [
        { question: '1 + 2', answer: '3' },
        { question: '2 + 2', answer: '4' },
        { question: '3 + 3', answer: '6' },
      ],
      metric: exactAnswer,
      concurrency: 1,
      failureScore: 0.25,
      displayProgress: false,
    }).run(new Predict('question -> answer', { lm }));
    expect(result.rows.map((row) => row.score)).toEqual([1, 0.25, 0.25]);
    expect(result.errors).toBe(2);
    expect(result.rows[1]?.error).toEqual(new Error('server down'));
    expect(result.score).toBe(50);
  });

  it('throws TooManyErrorsError at maxErrors', async () => {
    const lm = new ScriptedLM({ responses: [new Error('a'), new Error('b'), new Error('c')] });
    const run = evaluate(new Predict('question -> answer', { lm }), {
      devset: devset.slice(0, 3),
      metric: exactAnswer,
      concurrency: 1,
      maxErrors: 2,
      displayProgress: false,
    });
    await expect(run).rejects.toSatisfy(
      (error: unknown) => TooManyErrorsError.isInstance(error) && error.errors === 2,
    );
  });

  it('stops with AbortError when the signal fires', async () => {
    const controller = new AbortController();
    const lm = new ScriptedLM({
      responses: (call) => {
        if (call.index === 3) controller.abort();
        return sumModel()(call);
      },
    });
    const run = evaluate(new Predict('question -> answer', { lm }), {
      devset,
      metric: exactAnswer,
      concurrency: 2,
      signal: controller.signal,
      displayProgress: false,
    });
    await expect(run).rejects.toSatisfy(AbortError.isInstance);
    expect(lm.calls.length).toBeLessThan(8);
  });

  it('draws a progress bar with the running score on a TTY and nothing elsewhere', async () => {
    const written: string[] = [];
    const piped: string[] = [];
    const program = new Predict('question -> answer', { lm: new ScriptedLM({ responses: sumModel() }) });
    const options = { devset: devset.slice(0, 4), metric: exactAnswer, concurrency: 1 };
    const result = await evaluate(program, {
      ...options,
      progressStream: { isTTY: true, write: (text: string) => written.push(text) },
    });
    await evaluate(program, {
      ...options,
      progressStream: { isTTY: false, write: (text) => piped.push(text) },
    });
    expect(piped).toEqual([]);
    // Four quick examples: the first frame, then the redraws are throttled until the last one.
    expect(written).toHaveLength(3);
    expect(written[0]).toMatch(/^\r\x1b\[2KAverage Metric: 0\.00 \/ 0 \(0\.0%\) ░+ 0\/4$/);
    const sum = result.scoreSum.toFixed(2);
    expect(written[1]).toContain(`Average Metric: ${sum} / 4 (${result.score.toFixed(1)}%)`);
    expect(written[1]).toMatch(/ █+ 4\/4$/);
    expect(written[2]).toBe('\n');
  });

  it('writes DSPy-shaped records as a table and a JSON file', async () => {
    const lm = new ScriptedLM({ responses: sumModel() });
    const folder = await mkdtemp(path.join(tmpdir(), 'x-evaluate-'));
    const file = path.join(folder, 'out', 'results.json');
    const result = await evaluate(new Predict('question -> answer', { lm }), {
      devset: devset.slice(0, 3),
      metric: exactAnswer,
      displayProgress: false,
      saveAsJson: file,
    });
    const records = JSON.parse(await readFile(file, 'utf8'));
    // merge_dicts: a key in both becomes example_<key> and pred_<key>; then {metric_name: score}
    expect(Object.keys(records[0])).toEqual(['question', 'example_answer', 'pred_answer', 'exactAnswer']);
    expect(records).toEqual(result.records());
    expect(records[0].example_answer).toBe(devset[0]?.answer);
    const table = result.table(2).split('\n');
    expect(table[0]).toMatch(/^\| question +\| example_answer \| pred_answer \| exactAnswer \|$/);
    expect(table).toHaveLength(5);
    expect(table[4]).toBe('... 1 more rows');
  });
});
