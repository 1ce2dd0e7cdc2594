// End to end: Evaluate, the LM cache and the optimisers from @x/core on a real local
// model (stories260K on the reference engine, through LocalLM's scheduler). The model writes stories,
// so the program uses a plain next-word adapter instead of DSPy's chat protocol, which it cannot follow.
import path from 'node:path';
import {
  type Adapter,
  BootstrapFewShotWithRandomSearch,
  COPRO,
  type Demo,
  evaluate,
  type LM,
  LMCache,
  MIPROv2,
  Predict,
  type Signature,
  withCache,
} from '@x/core';
import { ScriptedLM } from '@x/core/testing';
import { describe, expect, it } from 'vitest';
import { sharedModelsDir } from '../src/gguf/shared-models-dir.js';
import { loadLM } from '../src/reference/load-lm.js';

const modelPath = path.join(sharedModelsDir, 'stories260K.gguf');

/** Demos as "opening → word" lines, then the opening; the answer is the first word the model writes. */
const nextWordAdapter: Adapter = {
  name: 'NextWordAdapter',
  format: (_signature, demos, inputs) => [
    {
      role: 'user',
      content: [...demos.map((demo: Demo) => `${demo.opening} ${demo.word}.`), String(inputs.opening)].join(
        ' ',
      ),
    },
  ],
  parse: <I extends Record<string, unknown>, O extends Record<string, unknown>>(
    _signature: Signature<I, O>,
    text: string,
  ) => ({ word: /[A-Za-z']+/.exec(text)?.[0] ?? '' }) as unknown as O,
  async call(lm: LM, signature, demos, inputs, options = {}) {
    const { history, ...generateOptions } = options;
    const messages = this.format(signature, demos, inputs, history);
    const result = await lm.generate(messages, { maxTokens: 3, ...generateOptions });
    return {
      values: this.parse(signature, result.text),
      rawText: result.text,
      result,
      messages,
      adapter: this.name,
    };
  },
};

const openings = [
  ['Once upon a', 'time'],
  ['The little girl was very', 'happy'],
  ['One day, Lily went to the', 'park'],
  ['Tom had a big red', 'ball'],
  ['The sun was', 'shining'],
  ['Ben and his mom went to the', 'store'],
  ['The dog wagged its', 'tail'],
  ['She said thank', 'you'],
].map(([opening, word]) => ({ opening: opening as string, word: word as string }));

async function storiesLM() {
  return loadLM(modelPath, { contextLength: 128, prefixCacheSize: 8 });
}

const sameWord = (example: { word?: unknown }, prediction: { word?: unknown }) =>
  String(prediction.word).toLowerCase() === String(example.word).toLowerCase();

describe('Evaluate and the optimisers on stories260K', () => {
  it('scores the same with 8 calls in flight as one at a time, and a cached re-run costs no calls', async () => {
    const local = await storiesLM();
    const cache = new LMCache();
    const lm = withCache(local, cache);
    const program = new Predict('opening -> word', { lm, adapter: nextWordAdapter });
    const options = { devset: openings, metric: sameWord, displayProgress: false };
    lm.enabled = false;
    const one = await evaluate(program, { ...options, concurrency: 1 });
    lm.enabled = true;
    const eight = await evaluate(program, { ...options, concurrency: 8 });
    expect(eight.rows.map((row) => row.prediction)).toEqual(one.rows.map((row) => row.prediction));
    expect(eight.score).toBe(one.score);
    // Greedy stories260K completes most of these openings with the expected word.
    expect(one.score).toBeGreaterThan(25);
    expect(one.errors).toBe(0);
    expect(one.rows.every((row) => typeof row.prediction?.word === 'string')).toBe(true);
    expect(cache.misses).toBe(openings.length);
    const again = await evaluate(program, { ...options, concurrency: 8 });
    expect(cache.misses).toBe(openings.length);
    expect(cache.hits.memory).toBe(openings.length);
    expect(again.score).toBe(eight.score);
    await local.dispose();
  });

  it('runs BootstrapFewShotWithRandomSearch to the same program at any concurrency', async () => {
    const local = await storiesLM();
    const compile = (concurrency: number) =>
      new BootstrapFewShotWithRandomSearch({
        metric: sameWord,
        maxBootstrappedDemos: 2,
        maxLabeledDemos: 2,
        numCandidatePrograms: 2,
        concurrency,
        seed: 3,
      }).compile(new Predict('opening -> word', { lm: local, adapter: nextWordAdapter }), {
        trainset: openings.slice(0, 5),
        valset: openings.slice(3),
      });
    const one = await compile(1);
    const many = await compile(8);
    expect(many.demos).toEqual(one.demos);
    expect(one.demos.length).toBeGreaterThan(0);
    const result = await evaluate(many, {
      devset: openings.slice(3),
      metric: sameWord,
      displayProgress: false,
    });
    const zeroShot = await evaluate(new Predict('opening -> word', { lm: local, adapter: nextWordAdapter }), {
      devset: openings.slice(3),
      metric: sameWord,
      displayProgress: false,
    });
    expect(result.score).toBeGreaterThanOrEqual(zeroShot.score);
    await local.dispose();
  });

  it('runs MIPROv2 and COPRO with the local model as the task model', async () => {
    const local = await storiesLM();
    // The instruction proposals come from a scripted prompt model: stories260K cannot write DSPy's fields.
    let proposals = 0;
    const promptModel = new ScriptedLM({
      responses: ({ messages }) =>
        messages?.at(-1)?.content.includes('[[ ## examples ## ]]')
          ? '[[ ## summary ## ]]\nStory openings.\n\n[[ ## completed ## ]]'
          : `[[ ## proposed_instruction ## ]]\nContinue the story, take ${++proposals}.\n\n[[ ## completed ## ]]`,
    });
    const student = () => new Predict('opening -> word', { lm: local, adapter: nextWordAdapter });
    const mipro = new MIPROv2({
      metric: sameWord,
      promptModel,
      numCandidates: 3,
      numTrials: 3,
      minibatchSize: 3,
      maxBootstrappedDemos: 1,
      maxLabeledDemos: 2,
      seed: 1,
    });
    const tuned = await mipro.compile(student(), {
      trainset: openings.slice(0, 4),
      valset: openings.slice(4),
    });
    const full = mipro.trials.filter((trial) => !trial.minibatch);
    const rescored = await evaluate(tuned, {
      devset: openings.slice(4),
      metric: sameWord,
      displayProgress: false,
    });
    expect(rescored.score).toBe(Math.max(...full.map((trial) => trial.score)));
    expect(mipro.instructionCandidates[0]).toHaveLength(3);

    const copro = new COPRO({ metric: sameWord, promptModel, breadth: 2, depth: 1 });
    const instructed = await copro.compile(student(), { trainset: openings.slice(4) });
    expect(copro.attempts).toHaveLength(2);
    expect(instructed.signature.instructions).toBe(copro.attempts[0]?.instruction);
    await local.dispose();
  });
});
