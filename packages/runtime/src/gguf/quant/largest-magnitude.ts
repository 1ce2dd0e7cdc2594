/**
 * The value of largest magnitude among `count` values from `start`, sign kept (the first one on ties),
 * as ggml's quantize_row_q4_0 / q5_0 find it to set the block scale.
 */
export function largestMagnitude(values: Float32Array, start: number, count: number): number {
  let amax = 0;
  let max = 0;
  for (let j = start; j < start + count; j++) {
    const v = values[j] as number;
    if (Math.abs(v) > amax) {
      amax = Math.abs(v);
      max = v;
    }
  }
  return max;
}
