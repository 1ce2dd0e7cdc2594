/** ‖a − b‖₂ / ‖b‖₂, with b the reference. */
export function relativeL2(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new RangeError(`length mismatch: ${a.length} vs ${b.length}`);
  let difference = 0;
  let norm = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - b[i]!;
    difference += d * d;
    norm += b[i]! * b[i]!;
  }
  return Math.sqrt(difference) / Math.max(Math.sqrt(norm), Number.MIN_VALUE);
}
