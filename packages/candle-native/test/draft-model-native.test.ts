import path from 'node:path';
import { GGMLType, keepFirstLayers, synthesizeModel } from '@x/runtime';
import { agreesWithOracle, expectDraftedGreedy } from '@x/runtime/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { loadLM } from '../src/lm/load-lm.js';
import { makeTempDir, storiesPath } from './support/paths.js';
import { removeTempDir } from './support/temp-dir.js';

const directory = makeTempDir('draft');
afterAll(() => removeTempDir(directory));

const options = {
  threads: 1,
  contextLength: 256,
  kvType: 'f32',
  prefixCacheSize: 0,
  promptLookupMaxBatch: 0,
} as const;
const prompts = [
  'Once upon a time, there was a little girl named Lily.',
  'Tom had a red ball. One day Tom',
  'The cat sat on the mat and',
];

async function compare(target: string, draft: string) {
  const fast = await loadLM(target, { ...options, draftModel: draft });
  const plain = await loadLM(target, options);
  try {
    return await expectDraftedGreedy(fast, plain, prompts);
  } finally {
    await fast.dispose();
    await plain.dispose();
  }
}

describe('draft-model speculative decoding on the native engine (exactly greedy on F32, near ties on Q8_0)', () => {
  it('accepts every token when stories260K drafts for itself', async () => {
    const stats = await compare(storiesPath, storiesPath);
    expect(stats.draftedTokens).toBeGreaterThan(50);
    expect(stats.draftAcceptanceRate).toBe(1);
  });

  it('gives the greedy tokens with a 2-layer cut of stories260K as the draft', async () => {
    const draft = path.join(directory, 'stories-2-layers.gguf');
    await keepFirstLayers(storiesPath, draft, 2);
    const stats = await compare(storiesPath, draft);
    expect(stats.draftedTokens).toBeGreaterThan(50);
    expect(stats.draftAcceptanceRate).toBeLessThan(1);
  });

  it('gives the greedy tokens on a synthesized F32 model with a 1-layer draft of it', async () => {
    const target = path.join(directory, 'tiny-llama.gguf');
    const draft = path.join(directory, 'tiny-llama-1-layer.gguf');
    await synthesizeModel({ shape: 'tiny-llama', type: GGMLType.F32, seed: 7, std: 0.3, path: target });
    await keepFirstLayers(target, draft, 1);
    expect((await compare(target, draft)).draftedTokens).toBeGreaterThan(50);
  });

  it('stays within the near-tie rule on Q8_0 weights (the verify forward sums rows in another order)', async () => {
    const target = path.join(directory, 'tiny-llama-q8.gguf');
    const draft = path.join(directory, 'tiny-llama-q8-1-layer.gguf');
    await synthesizeModel({ shape: 'tiny-llama', type: GGMLType.Q8_0, seed: 9, std: 0.3, path: target });
    await keepFirstLayers(target, draft, 1);
    const quantized = { ...options, kvType: 'f16' } as const;
    const fast = await loadLM(target, { ...quantized, draftModel: draft });
    const plain = await loadLM(target, quantized);
    try {
      for (const prompt of prompts) {
        const a = (await fast.complete(prompt, { maxTokens: 40 })).tokenIds!;
        const b = (await plain.complete(prompt, { maxTokens: 40 })).tokenIds!;
        const split = a.findIndex((token, i) => token !== b[i]);
        if (split === -1) continue;
        // the first pick that differs must be a near tie on the plain run's own logits
        const engine = plain.engine;
        const seq = engine.createSequence();
        const context = [...plain.encodeRequest({ kind: 'completion', prompt }), ...b.slice(0, split)];
        const [row] = await engine.forward([{ seq, tokens: Int32Array.from(context), logitsFor: 'last' }]);
        engine.release(seq);
        expect(agreesWithOracle(row!, a[split]!)).not.toBe('disagrees');
      }
      expect(fast.stats().draftedTokens).toBeGreaterThan(50);
    } finally {
      await fast.dispose();
      await plain.dispose();
    }
  });
});
