import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GGMLType } from '../gguf/ggml-type.js';
import { keepFirstLayers } from '../gguf/keep-first-layers.js';
import { sharedModelsDir } from '../gguf/shared-models-dir.js';
import { synthesizeModel } from '../gguf/synth/synthesize-model.js';
import { loadLM } from '../reference/load-lm.js';
import { expectDraftedGreedy } from './testing/expect-drafted-greedy.js';

const storiesPath = path.join(sharedModelsDir, 'stories260K.gguf');
const prompts = [
  'Once upon a time, there was a little girl named Lily.',
  'Tom had a red ball. One day Tom',
  'The cat sat on the mat and',
];
let directory: string;

beforeAll(async () => {
  directory = await mkdtemp(path.join(os.tmpdir(), 'x-draft-'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

async function compare(target: string, draft: string, contextLength: number) {
  const fast = await loadLM(target, {
    contextLength,
    draftModel: draft,
    prefixCacheSize: 0,
    promptLookupMaxBatch: 0,
  });
  const plain = await loadLM(target, { contextLength, prefixCacheSize: 0, promptLookupMaxBatch: 0 });
  try {
    return await expectDraftedGreedy(fast, plain, prompts);
  } finally {
    await fast.dispose();
    await plain.dispose();
  }
}

describe('draft-model speculative decoding on the reference engine (F32: exactly greedy)', () => {
  it('accepts every token when stories260K drafts for itself', async () => {
    const stats = await compare(storiesPath, storiesPath, 256);
    expect(stats.draftedTokens).toBeGreaterThan(50);
    expect(stats.draftAcceptanceRate).toBe(1);
  });

  it('gives the greedy tokens with stories260K cut to 2 of its layers as the draft', async () => {
    const draft = path.join(directory, 'stories-2-layers.gguf');
    await keepFirstLayers(storiesPath, draft, 2);
    const stats = await compare(storiesPath, draft, 256);
    expect(stats.draftedTokens).toBeGreaterThan(50);
    expect(stats.draftAcceptanceRate).toBeGreaterThan(0);
    expect(stats.draftAcceptanceRate).toBeLessThan(1);
  });

  it('gives the greedy tokens on a synthesized F32 model with a 1-layer draft of it', async () => {
    const target = path.join(directory, 'tiny-llama.gguf');
    const draft = path.join(directory, 'tiny-llama-1-layer.gguf');
    await synthesizeModel({ shape: 'tiny-llama', type: GGMLType.F32, seed: 7, std: 0.3, path: target });
    await keepFirstLayers(target, draft, 1);
    const stats = await compare(target, draft, 256);
    expect(stats.draftedTokens).toBeGreaterThan(50);
  });

  it('refuses a draft whose vocabulary differs (typed error)', async () => {
    const other = path.join(directory, 'other-vocab.gguf');
    await synthesizeModel({ shape: 'tiny-llama', type: GGMLType.F32, seed: 1, path: other });
    await expect(loadLM(storiesPath, { draftModel: other })).rejects.toMatchObject({
      code: 'X_VOCABULARY_MISMATCH',
    });
  });
});
