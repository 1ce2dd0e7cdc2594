import { GGMLType } from '../../gguf/index.js';
import { TINY_SHAPE } from './random-model.js';
import type { writeSyntheticModel } from './write-synthetic-model.js';

export type SyntheticOptions = NonNullable<Parameters<typeof writeSyntheticModel>[2]>;
export type ArchitectureCase = [label: string, architecture: string, options: SyntheticOptions];

/**
 * One row per architecture feature: each runs on a random f32 model against llama.cpp. Gemma rows use
 * small tied embeddings: at the default std the sqrt(dim)-scaled embedding dominates the residual and the
 * model only repeats its last token, which would prove little.
 */
export const ARCHITECTURE_FEATURE_CASES: ArchitectureCase[] = [
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

const firstOfEach = [
  'llama, tied embeddings, Llama 3.1 rope_freqs',
  'qwen2 (NEOX rope, q/k/v biases)',
  'qwen3 (q/k norms, key_length ≠ dim / heads)',
  'phi3, partial rotary',
  'gemma2 (post norms, GELU, soft caps, window 8 on even layers)',
  'gemma3 (q/k norms, 5 sliding + 1 global layer, local rope base, linear scaling)',
];

/** One case per architecture, each with that architecture's most distinctive features. */
export const ONE_CASE_PER_ARCHITECTURE: ArchitectureCase[] = ARCHITECTURE_FEATURE_CASES.filter(([label]) =>
  firstOfEach.includes(label),
);
