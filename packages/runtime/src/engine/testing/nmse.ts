/**
 * Normalized mean squared error of `actual` against `expected`, as llama.cpp's test-backend-ops
 * compares each backend with the CPU: Σ(a − b)² / Σb². Zero for equal arrays; 1 for an all-zero `actual`.
 */
export function nmse(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) {
    throw new RangeError(`nmse: lengths differ (${actual.length} vs ${expected.length})`);
  }
  let error = 0;
  let norm = 0;
  for (let i = 0; i < expected.length; i++) {
    const d = actual[i]! - expected[i]!;
    error += d * d;
    norm += expected[i]! * expected[i]!;
  }
  return norm === 0 ? (error === 0 ? 0 : Number.POSITIVE_INFINITY) : error / norm;
}
