import path from 'node:path';
import { BestOfN, createPrediction, type LM, type Module, Parallel, type Prediction } from '@x/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalLM } from '../../src/generation/index.js';
import { sharedModelsDir } from '../../src/gguf/shared-models-dir.js';
import { loadLM } from '../../src/reference/load-lm.js';

const modelPath = path.join(sharedModelsDir, 'stories260K.gguf');

type StoryIn = { start: string };
type StoryOut = { story: string };

/** A one-call module over a base model: the story that follows `start` (no adapter; stories260K has no chat format). */
class ContinueStory implements Module<StoryIn, StoryOut> {
  constructor(readonly lm: LM) {}
  async forward(
    inputs: StoryIn,
    options: { temperature?: number; seed?: number; signal?: AbortSignal } = {},
  ) {
    const { temperature = 0, seed, signal } = options;
    const result = await this.lm.complete(inputs.start, { maxTokens: 24, temperature, seed, signal });
    return createPrediction(
      { story: result.text },
      { rawText: result.text, adapter: 'none', messages: [], result },
    );
  }
  namedPredictors() {
    return [];
  }
  clone(): this {
    return this;
  }
}

const distinctWords = (_inputs: StoryIn, prediction: Prediction<StoryOut>) =>
  new Set(prediction.story.toLowerCase().match(/[a-z]+/g) ?? []).size;

describe('@x/core modules on a local model (reference engine, stories260K)', () => {
  let lm: LocalLM;
  beforeAll(async () => {
    lm = await loadLM(modelPath, { contextLength: 256 });
  });
  afterAll(() => lm.dispose());

  it('BestOfN samples at temperature 1.0 with seeds start+i and keeps the best-scoring story', async () => {
    const start = { start: 'Once upon a time' };
    const samples: string[] = [];
    for (const seed of [5, 6, 7, 8]) {
      samples.push((await lm.complete(start.start, { maxTokens: 24, temperature: 1, seed })).text);
    }
    expect(new Set(samples).size).toBeGreaterThan(1);
    const scores = samples.map((story) => distinctWords(start, { story }));
    const best = samples[scores.indexOf(Math.max(...scores))];

    const bestOfN = new BestOfN(new ContinueStory(lm), { n: 4, rewardFn: distinctWords, threshold: 1000 });
    const first = await bestOfN.forward(start, { seed: 5 });
    expect(first.story).toBe(best);
    expect((await bestOfN.forward(start, { seed: 5 })).story).toBe(first.story);
  });

  it('Parallel runs stories through the scheduler with the same results as one at a time', async () => {
    const module = new ContinueStory(lm);
    const starts = ['Once upon a time', 'The cat sat', 'Lily and Ben went', 'One day, a bird'].map((s) => ({
      start: s,
    }));
    const alone: string[] = [];
    for (const inputs of starts) alone.push((await module.forward(inputs)).story);
    const results = await new Parallel({ concurrency: 4 }).forward(
      starts.map((inputs) => [module, inputs] as const),
    );
    expect(results.map((result) => result?.story)).toEqual(alone);
    expect(alone[0]!.startsWith(', there was a little girl named Lily.')).toBe(true);
  });
});
