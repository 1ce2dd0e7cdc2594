import { TINY_SHAPE } from '../../../runtime/src/reference/testing/random-model.js';
import type { writeSyntheticModel } from '../../../runtime/test/model-dependent/synthetic-fixture.js';

export type SyntheticOptions = NonNullable<Parameters<typeof writeSyntheticModel>[2]>;

/**
 * One tiny random model per architecture the native engine supports, each exercising that
 * architecture's distinctive features (the runtime's synthetic-architectures cases). Gemma rows use
 * small tied embeddings: at the default std the sqrt(dim)-scaled embedding dominates the residual and
 * the model only repeats its last token, which would prove little.
 */
export const ARCHITECTURE_CASES: Array<[label: string, architecture: string, options: SyntheticOptions]> = [
  ['llama (tied embeddings, Llama 3.1 rope_freqs)', 'llama', { tied: true, ropeFreqs: true }],
  ['qwen2 (NEOX rope, q/k/v biases)', 'qwen2', {}],
  ['qwen3 (q/k norms, key_length ≠ dim / heads)', 'qwen3', { shape: { ...TINY_SHAPE, headDim: 24 } }],
  [
    'phi3 (fused qkv and gate|up, partial rotary)',
    'phi3',
    {
      shape: { ...TINY_SHAPE, extra: { 'rope.dimension_count': 8 } },
    },
  ],
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
