import type { ArchitectureCase } from './architecture-cases.js';
import { TINY_SHAPE } from './random-model.js';

/**
 * Random f32 models whose GGUFs ask for RoPE scaling, compared with llama.cpp at positions past the
 * unscaled context (ROPE_SCALING_PROMPT is 120 tokens, then 64 greedy ones): the trained context is 256,
 * so a 4× linear factor stretches 64 positions, and YaRN's original context is 32.
 */
export const ROPE_SCALING_CASES: ArchitectureCase[] = [
  [
    'llama, linear ×4',
    'llama',
    { shape: { ...TINY_SHAPE, extra: { 'rope.scaling.type': 'linear', 'rope.scaling.factor': 4 } } },
  ],
  [
    'llama, YaRN ×4 from 32 positions, attn_factor 0.9',
    'llama',
    {
      seed: 4,
      shape: {
        ...TINY_SHAPE,
        extra: {
          'rope.scaling.type': 'yarn',
          'rope.scaling.factor': 4,
          'rope.scaling.original_context_length': 32,
          'rope.scaling.attn_factor': 0.9,
        },
      },
    },
  ],
  [
    'qwen2 (NEOX), YaRN ×8 from 32 positions',
    'qwen2',
    {
      seed: 5,
      shape: {
        ...TINY_SHAPE,
        extra: {
          'rope.freq_base': 1_000_000,
          'rope.scaling.type': 'yarn',
          'rope.scaling.factor': 8,
          'rope.scaling.original_context_length': 32,
        },
      },
    },
  ],
  ['llama, Llama 3.1 rope_freqs', 'llama', { seed: 6, tied: true, ropeFreqs: true }],
];

/** 120 prompt tokens spread over the byte-level vocabulary, so 64 more reach position 184. */
export const ROPE_SCALING_PROMPT: readonly number[] = Array.from(
  { length: 120 },
  (_, i) => 3 + ((i * 37 + 11) % 300),
);
