/** out = x / sqrt(mean(x²) + epsilon) * weight, over `weight.length` elements. `out` may alias `x`. */
export function rmsNorm(
  out: Float32Array,
  x: Float32Array,
  weight: Float32Array,
  epsilon: number,
): Float32Array {
  const n = weight.length;
  let sumOfSquares = 0;
  for (let i = 0; i < n; i++) sumOfSquares += x[i]! * x[i]!;
  const scale = 1 / Math.sqrt(sumOfSquares / n + epsilon);
  for (let i = 0; i < n; i++) out[i] = x[i]! * scale * weight[i]!;
  return out;
}
