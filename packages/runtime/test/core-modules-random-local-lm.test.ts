// End to end: the @x/core modules whose prompts outgrow stories260K's 512-token context (Refine's
// OfferFeedback, MultiChainComparison's attempts) and BootstrapFewShot, on a random-weight local model
// (reference engine, LocalLM's scheduler, the llama SPM vocabulary) whose replies parse because
// LocalLM decodes under the adapter grammar. The scripted-LM tests pin the prompts; these pin the loop.
import path from 'node:path';
import {
  BootstrapFewShot,
  ChainOfThought,
  type LM,
  MultiChainComparison,
  Predict,
  predictionInfo,
  Refine,
} from '@x/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalLM } from '../src/generation/local-lm.js';
import { ReferenceEngine } from '../src/reference/reference-engine.js';
import { randomModel, TINY_SHAPE } from '../src/reference/testing/random-model.js';
import { toReferenceModel } from '../src/reference/testing/random-reference-model.js';
import { loadTokenizer } from '../src/tokenizer/load-tokenizer.js';
import { vocabDir } from '../src/tokenizer/testing/vocab-dir.js';

async function randomLocalLM(): Promise<LocalLM> {
  const tokenizer = await loadTokenizer(path.join(vocabDir, 'ggml-vocab-llama-spm.gguf'));
  const shape = {
    ...TINY_SHAPE,
    vocabSize: tokenizer.vocabSize,
    embeddingLength: 32,
    feedForwardLength: 48,
    contextLength: 4096,
  };
  const engine = new ReferenceEngine(toReferenceModel(randomModel('llama', { shape, seed: 7, std: 0.5 })));
  return new LocalLM({ engine, tokenizer, chatTemplate: 'chatml' });
}

/** Counts the LM calls a module makes, passing everything through. */
function countingLM(lm: LM): { lm: LM; calls: () => number } {
  let calls = 0;
  const counted = new Proxy(lm, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (key !== 'generate' && key !== 'stream')
        return typeof value === 'function' ? value.bind(target) : value;
      return (...args: unknown[]) => {
        calls++;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { lm: counted, calls: () => calls };
}

describe('@x/core modules on a random-weight local model under the adapter grammar', () => {
  let local: LocalLM;
  beforeAll(async () => {
    local = await randomLocalLM();
  });
  afterAll(() => local.dispose());

  it('Refine asks the local model for feedback after a miss and passes the advice as hint_', async () => {
    const run = async () => {
      const { lm, calls } = countingLM(local);
      let attempts = 0;
      const refine = new Refine(new Predict('question -> answer: int', { lm, config: { maxTokens: 24 } }), {
        n: 2,
        // The first attempt misses, the second is accepted: one OfferFeedback call in between.
        rewardFn: () => (++attempts >= 2 ? 1 : 0),
        threshold: 1,
      });
      const prediction = await refine.forward({ question: 'How many cats?' }, { maxTokens: 48, seed: 3 });
      return { prediction, calls: calls() };
    };
    const { prediction, calls } = await run();
    expect(calls).toBe(3);
    expect(Number.isInteger(prediction.answer)).toBe(true);
    const messages = predictionInfo(prediction)?.messages ?? [];
    // The accepted attempt's signature has the hint_ input, filled from the parsed advice (or N/A).
    expect(messages[0]?.content).toContain('`hint_` (str): A hint to the module from an earlier run');
    expect(messages.at(-1)?.content).toMatch(/\[\[ ## hint_ ## \]\]\n\S/);
    // Attempts run at temperature 1.0 with seeds start + i: the same call gives the same answer.
    const again = await run();
    expect(again.prediction.answer).toBe(prediction.answer);
    expect(predictionInfo(again.prediction)?.messages).toEqual(messages);
  });

  it('MultiChainComparison compares ChainOfThought attempts sampled by the local model', async () => {
    const { lm, calls } = countingLM(local);
    const chain = new ChainOfThought('question -> answer: int', { lm });
    const completions = [];
    for (const seed of [1, 2, 3]) {
      completions.push(
        await chain.forward({ question: 'How many cats?' }, { maxTokens: 40, temperature: 1, seed }),
      );
    }
    const compare = new MultiChainComparison('question -> answer: int', { m: 3, lm });
    const prediction = await compare.forward(
      { question: 'How many cats?', completions },
      { maxTokens: 48, seed: 4 },
    );
    expect(calls()).toBe(4);
    expect(typeof prediction.rationale).toBe('string');
    expect(Number.isInteger(prediction.answer)).toBe(true);
    const user = predictionInfo(prediction)?.messages.at(-1)?.content ?? '';
    for (const [index, completion] of completions.entries()) {
      expect(user).toContain(
        `[[ ## reasoning_attempt_${index + 1} ## ]]\n«I'm trying to ${completion.reasoning.split('\n')[0]}`,
      );
      expect(user).toContain(`my prediction is ${completion.answer}»`);
    }
  });

  it('BootstrapFewShot keeps the local model’s accepted traces as demos, the same at any concurrency', async () => {
    const trainset = ['one', 'two', 'three', 'four'].map((word) => ({
      question: `How many is ${word}?`,
      answer: word,
    }));
    const compile = (concurrency: number) =>
      new BootstrapFewShot({
        // Accepts every typed answer: the demos are then the model's own answers, not the labels.
        metric: (_example, prediction) => Number.isInteger(prediction.answer),
        maxBootstrappedDemos: 2,
        maxLabeledDemos: 3,
        concurrency,
        teacherOptions: { maxTokens: 24 },
      }).compile(new Predict('question -> answer: int', { lm: local }), { trainset });
    const compiled = await compile(1);
    const demos = compiled.demos;
    expect(demos).toHaveLength(3);
    for (const demo of demos.slice(0, 2)) {
      expect(Number.isInteger(demo.answer)).toBe(true);
      expect(trainset.map((example) => example.question)).toContain(demo.question);
    }
    expect(trainset).toContainEqual(demos[2]);
    expect((await compile(4)).demos).toEqual(demos);
  });
});
