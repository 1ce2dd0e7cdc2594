import { describe, expect, it } from 'vitest';
import { exactAnswer, sumExamples, sumModel } from '../evaluate/__fixtures__/arithmetic.js';
import { evaluate } from '../evaluate/evaluate.js';
import type { LM } from '../lm/lm.js';
import { ChainOfThought } from '../modules/chain-of-thought.js';
import type { ForwardOptions, Module, Predictor } from '../modules/module.js';
import { MultiChainComparison } from '../modules/multi-chain-comparison.js';
import { Parallel } from '../modules/parallel.js';
import type { Prediction } from '../modules/prediction.js';
import { ReAct } from '../modules/react.js';
import { dumpState, loadState } from '../state/program-state.js';
import { type ScriptedCall, ScriptedLM } from '../testing/scripted-lm.js';
import { Tool } from '../tools/tool.js';
import { proposalAndSumModel } from './__fixtures__/proposal-model.js';
import { BootstrapFewShotWithRandomSearch } from './bootstrap-few-shot-with-random-search.js';
import { MIPROv2 } from './mipro-v2.js';

type Values = Record<string, unknown>;

const add = new Tool({
  name: 'add',
  desc: 'Adds two numbers.',
  parameters: {
    type: 'object',
    properties: { x: { type: 'integer' }, y: { type: 'integer' } },
    required: ['x', 'y'],
  },
  execute: ({ x, y }) => Number(x) + Number(y),
});

/** Which output field the call's prompt asks for first (the last user message names it). */
const firstField = (call: ScriptedCall) =>
  /starting with the field `\[\[ ## (\w+) ## \]\]`/.exec(call.messages?.at(-1)?.content ?? '')?.[1];

/**
 * A ReAct agent for sums: the react step calls `add` with the question's numbers, then `finish`;
 * the extract step answers as `sumModel` does (better with more demos in its prompt).
 */
function reactSumModel() {
  const task = sumModel();
  return (call: ScriptedCall) => {
    const field = firstField(call);
    if (field === 'next_thought') {
      const prompt = call.messages?.at(-1)?.content ?? '';
      if (prompt.includes('[[ ## observation_0 ## ]]'))
        return '[[ ## next_thought ## ]]\nDone.\n\n[[ ## next_tool_name ## ]]\nfinish\n\n[[ ## next_tool_args ## ]]\n{}\n\n[[ ## completed ## ]]';
      const [, x, y] = /\[\[ ## question ## \]\]\n(\d+) \+ (\d+)/.exec(prompt) ?? [];
      return `[[ ## next_thought ## ]]\nAdd them.\n\n[[ ## next_tool_name ## ]]\nadd\n\n[[ ## next_tool_args ## ]]\n{"x": ${x}, "y": ${y}}\n\n[[ ## completed ## ]]`;
    }
    return `[[ ## reasoning ## ]]\nThe tool added them.\n\n${task(call)}`;
  };
}

/** The task calls of a ChainOfThought (`reasoning`) or a MultiChainComparison (`rationale`) over sumModel. */
function reasonedSumModel(base: (call: ScriptedCall) => unknown) {
  return (call: ScriptedCall) => {
    const field = firstField(call);
    const answer = base(call);
    if (field === 'reasoning' || field === 'rationale') return `[[ ## ${field} ## ]]\nSo.\n\n${answer}`;
    return answer as string;
  };
}

/** Self-consistency: three ChainOfThought attempts through Parallel, compared by MultiChainComparison. */
class ConsistentSum implements Module<Values, Values> {
  readonly cot: ChainOfThought;
  readonly compare: MultiChainComparison;

  constructor(lm?: LM) {
    this.cot = new ChainOfThought('question -> answer', { lm });
    this.compare = new MultiChainComparison('question -> answer', { lm, m: 3 });
  }

  async forward(inputs: Values, options?: ForwardOptions): Promise<Prediction<Values>> {
    const attempts = await new Parallel({ concurrency: 3 }).forward(
      [0, 1, 2].map(() => [this.cot, inputs] as const),
      options,
    );
    const completions = attempts.filter((attempt) => attempt !== undefined);
    return this.compare.forward({ ...inputs, completions }, options);
  }

  namedPredictors(): Array<[string, Predictor]> {
    return [
      ['cot.predict', this.cot.predict],
      ['compare.predict', this.compare.predict],
    ];
  }

  inputNames(): string[] {
    return ['question'];
  }

  clone(): this {
    const copy = Object.create(ConsistentSum.prototype) as ConsistentSum;
    Object.assign(copy, { cot: this.cot.clone(), compare: this.compare.clone() });
    return copy as this;
  }
}

const trainset = sumExamples(12, 21);
const valset = sumExamples(16, 22);

describe('optimisers over composed programs', () => {
  it('BootstrapFewShotWithRandomSearch bootstraps demos into both ReAct predictors, the same at any concurrency', async () => {
    const compile = async (concurrency: number) => {
      const lm = new ScriptedLM({ responses: reactSumModel(), chunkDelayMs: concurrency > 1 ? 1 : 0 });
      const optimizer = new BootstrapFewShotWithRandomSearch({
        metric: exactAnswer,
        maxBootstrappedDemos: 2,
        maxLabeledDemos: 2,
        numCandidatePrograms: 2,
        concurrency,
        seed: 3,
      });
      const student = new ReAct('question -> answer', { tools: [add], maxIters: 3, lm });
      return { best: await optimizer.compile(student, { trainset, valset }), optimizer, lm };
    };
    const serial = await compile(1);
    const parallel = await compile(8);
    expect(dumpState(parallel.best)).toEqual(dumpState(serial.best));

    const { best, optimizer, lm } = serial;
    expect(best).toBeInstanceOf(ReAct);
    const bootstrapped = optimizer.candidates.find((candidate) => candidate.index === -1)?.program as ReAct;
    // One trace per react step: an `add` step and a `finish` step, each a demo with its trajectory so far.
    expect(bootstrapped.react.demos.map((demo) => demo.next_tool_name)).toEqual(['add', 'finish']);
    expect(bootstrapped.react.demos[0]?.next_tool_args).toEqual({
      x: Number(trainset[0]?.question.split(' + ')[0]),
      y: Number(trainset[0]?.question.split(' + ')[1]),
    });
    expect(bootstrapped.extract.predict.demos[0]).toMatchObject({
      question: trainset[0]?.question,
      answer: trainset[0]?.answer,
      reasoning: 'The tool added them.',
    });
    const zeroShot = optimizer.candidates.find((candidate) => candidate.index === -3);
    expect(optimizer.candidates[0]?.score).toBeGreaterThan(zeroShot?.score ?? 100);

    const restored = new ReAct('question -> answer', { tools: [add], maxIters: 3, lm });
    loadState(restored, dumpState(best));
    const again = await evaluate(restored, { devset: valset, metric: exactAnswer, displayProgress: false });
    expect(again.score).toBe(optimizer.candidates[0]?.score);
  });

  it('Evaluate scores a program that runs Parallel inside the same at concurrency 1 and 8', async () => {
    const run = async (concurrency: number) => {
      const lm = new ScriptedLM({ responses: reasonedSumModel(sumModel()), chunkDelayMs: 1 });
      const result = await evaluate(new ConsistentSum(lm), {
        devset: valset,
        metric: exactAnswer,
        concurrency,
        displayProgress: false,
      });
      return { result, lm };
    };
    const one = await run(1);
    const eight = await run(8);
    expect(eight.result.score).toBe(one.result.score);
    expect(eight.result.rows.map((row) => row.prediction)).toEqual(
      one.result.rows.map((row) => row.prediction),
    );
    expect(one.result.errors).toBe(0);
    expect(one.result.score).toBeGreaterThan(0);
    // Three attempts and one comparison per example.
    expect(one.lm.calls).toHaveLength(4 * valset.length);
    const comparison = one.lm.calls.find((call) => firstField(call) === 'rationale');
    expect(comparison?.messages?.at(-1)?.content).toContain('[[ ## reasoning_attempt_3 ## ]]');
  });

  it('MIPROv2 tunes both predictors of a ChainOfThought + MultiChainComparison program, deterministically', async () => {
    const compile = async (concurrency: number) => {
      const lm = new ScriptedLM({
        responses: reasonedSumModel(proposalAndSumModel()),
        chunkDelayMs: concurrency > 1 ? 1 : 0,
      });
      const optimizer = new MIPROv2({
        metric: exactAnswer,
        numCandidates: 3,
        numTrials: 4,
        minibatchSize: 8,
        minibatchFullEvalSteps: 2,
        maxBootstrappedDemos: 1,
        maxLabeledDemos: 1,
        concurrency,
        seed: 4,
      });
      const best = await optimizer.compile(new ConsistentSum(lm), { trainset, valset });
      return { best, optimizer };
    };
    const serial = await compile(1);
    const parallel = await compile(4);
    expect(dumpState(parallel.best)).toEqual(dumpState(serial.best));
    expect(parallel.optimizer.trials).toEqual(serial.optimizer.trials);

    const { best, optimizer } = serial;
    expect(best).toBeInstanceOf(ConsistentSum);
    // One instruction candidate list per predictor, each starting with the predictor's own.
    expect(optimizer.instructionCandidates).toHaveLength(2);
    expect(optimizer.trials.every((trial) => trial.instructions.length === 2)).toBe(true);
    expect(optimizer.instructionCandidates[1]?.[0]).toBe(
      new ConsistentSum().compare.predict.signature.instructions,
    );
    const state = dumpState(best) as Record<string, { signature: { fields: { name?: string }[] } }>;
    expect(Object.keys(state)).toEqual(['cot.predict', 'compare.predict']);
    expect(state['compare.predict']?.signature.fields.map((field) => field.name)).toEqual([
      'question',
      'reasoning_attempt_1',
      'reasoning_attempt_2',
      'reasoning_attempt_3',
      'rationale',
      'answer',
    ]);
    const full = optimizer.trials.filter((trial) => !trial.minibatch);
    const rescored = await evaluate(best, { devset: valset, metric: exactAnswer, displayProgress: false });
    expect(rescored.score).toBe(Math.max(...full.map((trial) => trial.score)));
  });
});
