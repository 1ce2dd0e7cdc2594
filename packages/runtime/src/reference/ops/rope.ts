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
  /** Position multiplier (1 / linear scaling factor). */
  scale: number;
  /** Per-pair divisors of the frequency (Llama 3.1 `rope_freqs.weight`), (dims / 2). */
  freqFactors?: Float32Array;
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
  for (let i = 0; i < half; i++) {
    const frequency = rope.base ** (-(2 * i) / dims) / (rope.freqFactors?.[i] ?? 1);
    const theta = pos * rope.scale * frequency;
    const cos = Math.cos(theta);
    const sin = Math.sin(theta);
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
