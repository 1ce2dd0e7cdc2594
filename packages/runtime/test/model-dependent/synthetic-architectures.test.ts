import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GGMLType } from '../../src/gguf/index.js';
import { loadReferenceEngine } from '../../src/reference/load-reference-engine.js';
import { TINY_SHAPE } from '../../src/reference/testing/random-model.js';
import { llamaCppGreedy } from './llama-cpp-greedy.js';
import { compareTeacherForced } from './reference-greedy.js';
import { writeSyntheticModel } from './synthetic-fixture.js';

const PROMPT = [1, 10, 200, 300, 50, 7];
const STEPS = 40;

/**
 * One row per architecture feature: each runs on a random f32 model against llama.cpp. Gemma rows use
 * small tied embeddings: at the default std the sqrt(dim)-scaled embedding dominates the residual and the
 * model only repeats its last token, which would prove little.
 */
const cases: Array<[string, string, Parameters<typeof writeSyntheticModel>[2]]> = [
  ['llama', 'llama', {}],
  ['llama, tied embeddings, Llama 3.1 rope_freqs', 'llama', { tied: true, ropeFreqs: true }],
  ['llama, Q8_0 matrices (dequantized on load)', 'llama', { weightType: GGMLType.Q8_0 }],
  ['qwen2 (NEOX rope, q/k/v biases)', 'qwen2', {}],
  ['qwen2, F16 matrices', 'qwen2', { weightType: GGMLType.F16, seed: 5 }],
  ['qwen2, tied embeddings', 'qwen2', { tied: true }],
  ['qwen3 (q/k norms, key_length ≠ dim / heads)', 'qwen3', { shape: { ...TINY_SHAPE, headDim: 24 } }],
  ['phi3 (fused qkv and gate|up)', 'phi3', {}],
  ['phi3, partial rotary', 'phi3', { shape: { ...TINY_SHAPE, extra: { 'rope.dimension_count': 8 } } }],
  [
    'gemma2 (post norms, GELU, soft caps, window 8 on even layers)',
    'gemma2',
    {
      tied: true,
      seed: 2,
      embeddingStd: 0.03,
      shape: { ...TINY_SHAPE, extra: { attn_logit_softcapping: 2, final_logit_softcapping: 3 } },
    },
  ],
  [
    'gemma3 (q/k norms, 5 sliding + 1 global layer, local rope base, linear scaling)',
    'gemma3',
    {
      tied: true,
      seed: 3,
      embeddingStd: 0.03,
      shape: {
        ...TINY_SHAPE,
        layerCount: 6,
        extra: { 'rope.freq_base': 1_000_000, 'rope.scaling.type': 'linear', 'rope.scaling.factor': 8 },
      },
    },
  ],
];

describe('reference engine vs llama.cpp on synthetic models', () => {
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'x-reference-'));
  });
  afterAll(() => rm(directory, { recursive: true, force: true }));

  it.each(cases)('%s', async (_label, architecture, options) => {
    const file = await writeSyntheticModel(directory, architecture, options);
    const oracle = await llamaCppGreedy(file, PROMPT, STEPS);
    const engine = await loadReferenceEngine(file, { contextLength: 256 });
    const comparison = await compareTeacherForced(engine, PROMPT, oracle);
    await engine.dispose();
    expect(oracle).toHaveLength(STEPS);
    expect(comparison.worstShortfall).toBeLessThan(0.01);
    expect(comparison.agreed).toBeGreaterThanOrEqual(STEPS - 4);
    // A model stuck on one token would prove little.
    expect(new Set(oracle).size).toBeGreaterThan(3);
  });
});
