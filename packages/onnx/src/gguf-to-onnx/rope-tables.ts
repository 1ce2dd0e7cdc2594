/**
 * cos and signed-sin tables, (positions, headDim), for rotate-half RoPE:
 * out = x·cos + swapHalves(x)·sin, with sin negated on the first half.
 * `freqFactors` (dims / 2) divide the frequencies as Llama 3.1's rope_freqs do.
 */
export function ropeTables(
  positions: number,
  headDim: number,
  base: number,
  scale: number,
  freqFactors?: Float32Array,
): { cos: Float32Array; sin: Float32Array } {
  const half = headDim / 2;
  const cos = new Float32Array(positions * headDim);
  const sin = new Float32Array(positions * headDim);
  for (let i = 0; i < half; i++) {
    const frequency = base ** (-(2 * i) / headDim) / (freqFactors?.[i] ?? 1);
    for (let pos = 0; pos < positions; pos++) {
      const theta = pos * scale * frequency;
      const row = pos * headDim;
      cos[row + i] = cos[row + i + half] = Math.cos(theta);
      sin[row + i] = -Math.sin(theta);
      sin[row + i + half] = Math.sin(theta);
    }
  }
  return { cos, sin };
}
