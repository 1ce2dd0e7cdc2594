import { describe, expect, it } from 'vitest';
import { LMError } from '../errors/lm-error.js';
import type { Message } from '../lm/lm.js';
import { Signature } from '../signature/signature.js';
import { ScriptedLM } from '../testing/scripted-lm.js';
import { BootstrapFewShot } from './bootstrap-few-shot.js';
import { ChainOfThought } from './chain-of-thought.js';
import { Predict } from './predict.js';

const qa = Signature.from('question -> answer');
const trainset = Array.from({ length: 8 }, (_, i) => ({ question: `${i} + ${i}`, answer: String(i + i) }));
const lastQuestion = (messages: Message[] | undefined) =>
  /\[\[ ## question ## \]\]\n([^\n]*)/.exec(messages?.at(-1)?.content ?? '')?.[1] ?? '';

/** Answers sums correctly except for odd operands, where it is off by one. */
const teacherLM = () =>
  new ScriptedLM({
    responses: ({ messages }) => {
      const n = Number.parseInt(lastQuestion(messages), 10);
      const answer = n % 2 === 1 ? n + n + 1 : n + n;
      return `[[ ## reasoning ## ]]\nadd ${n} to itself\n\n[[ ## answer ## ]]\n${answer}\n\n[[ ## completed ## ]]`;
    },
  });
const exact = (example: { answer?: unknown }, prediction: { answer?: unknown }) =>
  example.answer === prediction.answer;

describe('BootstrapFewShot', () => {
  it('keeps demos from teacher runs the metric accepts, then fills up with labeled examples', async () => {
    const lm = teacherLM();
    const student = new ChainOfThought(qa, { lm });
    const optimizer = new BootstrapFewShot({ metric: exact, maxBootstrappedDemos: 2, maxLabeledDemos: 5 });
    const compiled = await optimizer.compile(student, { trainset });
    const demos = compiled.predict.demos;
    expect(demos).toHaveLength(5);
    expect(demos.slice(0, 2)).toEqual([
      { question: '0 + 0', reasoning: 'add 0 to itself', answer: '0' },
      { question: '2 + 2', reasoning: 'add 2 to itself', answer: '4' },
    ]);
    for (const demo of demos.slice(2)) {
      expect(trainset).toContain(demo);
      expect(['0 + 0', '2 + 2']).not.toContain(demo.question);
    }
    expect(student.predict.demos).toEqual([]);
    // Stops once two demos were bootstrapped: examples 0, 1 (rejected) and 2.
    expect(lm.calls.map((call) => lastQuestion(call.messages))).toEqual(['0 + 0', '1 + 1', '2 + 2']);
  });

  it('hides each example from the teacher while it is the one being bootstrapped', async () => {
    const lm = teacherLM();
    await new BootstrapFewShot({ metric: exact, maxBootstrappedDemos: 3 }).compile(
      new ChainOfThought(qa, { lm }),
      {
        trainset,
      },
    );
    expect(lm.calls.length).toBeGreaterThan(0);
    for (const call of lm.calls) {
      const question = lastQuestion(call.messages);
      const demoTurns = call.messages?.slice(1, -1) ?? [];
      expect(demoTurns.length).toBeGreaterThan(0);
      expect(
        demoTurns.some((message) => message.content.includes(`[[ ## question ## ]]\n${question}\n`)),
      ).toBe(false);
    }
  });

  it('uses a numeric metric with a threshold and retries rounds at a higher temperature', async () => {
    const lm = new ScriptedLM({
      responses: ({ options }) =>
        `[[ ## answer ## ]]\n${options.temperature === undefined ? 'cold' : 'warm'}\n\n[[ ## completed ## ]]`,
    });
    const optimizer = new BootstrapFewShot({
      metric: (_example, prediction) => (prediction.answer === 'warm' ? 0.9 : 0.1),
      metricThreshold: 0.5,
      maxRounds: 2,
      maxBootstrappedDemos: 1,
      maxLabeledDemos: 1,
    });
    const compiled = await optimizer.compile(new Predict(qa, { lm }), { trainset });
    expect(compiled.demos).toEqual([{ question: '0 + 0', answer: 'warm' }]);
    expect(lm.calls.map((call) => call.options.temperature)).toEqual([undefined, 0.701]);
  });

  it('tolerates teacher errors up to maxErrors, then fails with the last one', async () => {
    const failing = new ScriptedLM({ responses: () => new LMError('teacher down') });
    const tolerant = new BootstrapFewShot({ metric: exact, maxErrors: 100, maxLabeledDemos: 3 });
    const compiled = await tolerant.compile(new Predict(qa, { lm: failing }), { trainset });
    expect(compiled.demos).toHaveLength(3);
    const strict = new BootstrapFewShot({ metric: exact, maxErrors: 2 });
    await expect(strict.compile(new Predict(qa, { lm: failing }), { trainset })).rejects.toThrow(
      'teacher down',
    );
  });

  it('refuses a teacher with different predictors', async () => {
    const optimizer = new BootstrapFewShot({ metric: exact });
    await expect(
      optimizer.compile(new Predict(qa) as never, { trainset, teacher: new ChainOfThought(qa) as never }),
    ).rejects.toThrow('same predictors');
  });

  it('finds the same demos and counts the same errors with teacher runs in flight at once', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const flakyTeacher = () => {
      const answers = teacherLM();
      return new ScriptedLM({
        responses: async (call) => {
          maxInFlight = Math.max(maxInFlight, ++inFlight);
          await new Promise((resolve) => setTimeout(resolve, 1 + (call.index % 3)));
          inFlight -= 1;
          const question = lastQuestion(call.messages);
          if (question === '4 + 4') return new LMError('flaky');
          return answers.generate(call.messages ?? []).then((result) => result.text);
        },
      });
    };
    const compileWith = (concurrency: number) =>
      new BootstrapFewShot({
        metric: exact,
        maxBootstrappedDemos: 3,
        maxLabeledDemos: 5,
        concurrency,
      }).compile(new ChainOfThought(qa, { lm: flakyTeacher() }), { trainset });
    const one = await compileWith(1);
    expect(maxInFlight).toBe(1);
    const four = await compileWith(4);
    expect(maxInFlight).toBe(4);
    expect(four.predict.demos).toEqual(one.predict.demos);
    expect(one.predict.demos.slice(0, 3).map((demo) => demo.question)).toEqual(['0 + 0', '2 + 2', '6 + 6']);
    const strict = (concurrency: number) =>
      new BootstrapFewShot({ metric: exact, maxErrors: 1, concurrency }).compile(
        new Predict(qa, { lm: flakyTeacher() }),
        { trainset },
      );
    await expect(strict(1)).rejects.toThrow('flaky');
    await expect(strict(4)).rejects.toThrow('flaky');
  });
});
