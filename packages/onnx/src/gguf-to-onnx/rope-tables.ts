import { pairFrequency, type RopeParams } from '@x/runtime';

/**
 * cos and signed-sin tables, (positions, headDim), for rotate-half RoPE:
 * out = x·cos + swapHalves(x)·sin, with sin negated on the first half. The model's scaling (linear,
 * YaRN's ramp and magnitude, Llama 3.1's `freqFactors`) is baked in, as the reference engine rotates.
 */
export function ropeTables(
  positions: number,
  headDim: number,
  rope: RopeParams,
): { cos: Float32Array; sin: Float32Array } {
  const half = headDim / 2;
  const magnitude = rope.magnitude ?? 1;
  const cos = new Float32Array(positions * headDim);
  const sin = new Float32Array(positions * headDim);
  for (let i = 0; i < half; i++) {
    const frequency = pairFrequency(rope, i);
    for (let pos = 0; pos < positions; pos++) {
      const theta = pos * frequency;
      const row = pos * headDim;
      cos[row + i] = cos[row + i + half] = Math.cos(theta) * magnitude;
      sin[row + i] = -Math.sin(theta) * magnitude;
      sin[row + i + half] = Math.sin(theta) * magnitude;
    }
  }
  return { cos, sin };
}
