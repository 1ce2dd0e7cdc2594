/**
 * How rotary embeddings pair the dimensions of a head (llama.cpp's rope types):
 * 'normal' rotates adjacent pairs (x[2i], x[2i+1]) (LLaMA); 'neox' rotates (x[i], x[i + d/2]) (GPT-NeoX, Qwen, Gemma, Phi-3).
 */
export type RopeStyle = 'normal' | 'neox';

export interface RopeParams {
  style: RopeStyle;
  /** Dimensions rotated per head (the leading `dims`); the rest pass through. */
  dims: number;
  base: number;
  /** Frequency scale (1 / the linear or YaRN factor). */
  scale: number;
  /** Per-pair divisors of the frequency (Llama 3.1 `rope_freqs.weight`), (dims / 2). */
  freqFactors?: Float32Array;
  /** YaRN: how much pairs below `correction` keep their unscaled angle (0: every pair interpolates). */
  extFactor?: number;
  /** YaRN: the pair indices over which the mix ramps from unscaled (below) to scaled (above). */
  correction?: readonly [number, number];
  /** Multiplier of cos and sin (YaRN's magnitude correction and `attn_factor`); default 1. */
  magnitude?: number;
}

/** The angle per position of pair `i`: theta = pos · pairFrequency(rope, i) (ggml's rope_yarn, linear in pos). */
export function pairFrequency(rope: RopeParams, i: number): number {
  const unscaled = rope.base ** (-(2 * i) / rope.dims) / (rope.freqFactors?.[i] ?? 1);
  const ext = rope.extFactor ?? 0;
  if (ext === 0) return unscaled * rope.scale;
  const [low, high] = rope.correction ?? [0, 0];
  const ramp = 1 - Math.min(1, Math.max(0, (i - low) / Math.max(0.001, high - low)));
  const mix = ramp * ext;
  return unscaled * (rope.scale * (1 - mix) + mix);
}

/** Rotates each of the `heads` vectors of length `headDim` in `x` in place, for position `pos`. */
export function applyRope(
  x: Float32Array,
  heads: number,
  headDim: number,
  pos: number,
  rope: RopeParams,
): void {
  const { dims, style } = rope;
  const half = dims / 2;
  const magnitude = rope.magnitude ?? 1;
  for (let i = 0; i < half; i++) {
    const theta = pos * pairFrequency(rope, i);
    const cos = Math.cos(theta) * magnitude;
    const sin = Math.sin(theta) * magnitude;
    const [a, b] = style === 'normal' ? [2 * i, 2 * i + 1] : [i, i + half];
    for (let h = 0; h < heads; h++) {
      const offset = h * headDim;
      const x0 = x[offset + a]!;
      const x1 = x[offset + b]!;
      x[offset + a] = x0 * cos - x1 * sin;
      x[offset + b] = x0 * sin + x1 * cos;
    }
  }
}
