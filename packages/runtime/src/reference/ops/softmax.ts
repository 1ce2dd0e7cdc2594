/** In-place softmax over the first `n` elements of `x`. */
export function softmax(x: Float32Array, n: number = x.length): Float32Array {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) if (x[i]! > max) max = x[i]!;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const e = Math.exp(x[i]! - max);
    x[i] = e;
    sum += e;
  }
  for (let i = 0; i < n; i++) x[i] = x[i]! / sum;
  return x;
}
