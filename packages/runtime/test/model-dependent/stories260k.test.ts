import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { referenceGreedy } from '../../src/engine/testing/reference-greedy.js';
import { sharedModelsDir } from '../../src/gguf/shared-models-dir.js';
import { loadLM } from '../../src/reference/load-lm.js';
import { loadReferenceEngine } from '../../src/reference/load-reference-engine.js';
import { llamaCppGreedy } from '../../src/testing/llama-cpp.js';

const modelPath = path.join(sharedModelsDir, 'stories260K.gguf');
const BOS = 1;
const ONCE_UPON_A_TIME = [403, 407, 261, 378];

describe('reference engine on stories260K (trained tiny llama)', () => {
  let oracle: number[];
  beforeAll(async () => {
    oracle = await llamaCppGreedy(modelPath, [BOS, ...ONCE_UPON_A_TIME], 64);
  });

  it('reports the model in info', async () => {
    const engine = await loadReferenceEngine(modelPath, { contextLength: 256 });
    expect(engine.info).toMatchObject({
      architecture: 'llama',
      vocabSize: 512,
      contextLength: 256,
      embeddingLength: 64,
      layerCount: 5,
      headCount: 8,
      headCountKv: 4,
      weightType: 'F32',
      backend: 'reference',
    });
    await engine.dispose();
  });

  it("greedy-decodes exactly llama.cpp's 64 tokens after 'Once upon a time'", async () => {
    expect(oracle.slice(0, 4)).toEqual([432, 383, 286, 261]);
    const engine = await loadReferenceEngine(modelPath, { contextLength: 256 });
    const steps = await referenceGreedy(engine, [BOS, ...ONCE_UPON_A_TIME], 64);
    expect(steps).toEqual(oracle);
    await engine.dispose();
  });
});

describe('loadLM on stories260K', () => {
  it("completes 'Once upon a time' with llama.cpp's greedy tokens", async () => {
    const oracle = await llamaCppGreedy(modelPath, [BOS, ...ONCE_UPON_A_TIME], 64);
    const lm = await loadLM(modelPath, { contextLength: 256 });
    expect(lm.tokenizer.encode('Once upon a time', { addSpecial: true })).toEqual([BOS, ...ONCE_UPON_A_TIME]);
    const result = await lm.complete('Once upon a time', { maxTokens: 64, temperature: 0 });
    expect(result.tokenIds).toEqual(oracle);
    expect(
      result.text.startsWith(', there was a little girl named Lily. She loved to play outside in the park.'),
    ).toBe(true);
    expect(result.finishReason).toBe('length');
    await lm.dispose();
  });
});
