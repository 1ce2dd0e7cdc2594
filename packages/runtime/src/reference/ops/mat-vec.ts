import type { Matrix } from './matrix.js';

/** out = W·x (+ bias). W: (rows, cols), x: (cols), out: (rows). The inner loop walks one contiguous row. */
export function matVec(out: Float32Array, w: Matrix, x: Float32Array, bias?: Float32Array): Float32Array {
  const { data, rows, cols } = w;
  for (let r = 0; r < rows; r++) {
    const offset = r * cols;
    let sum = 0;
    for (let c = 0; c < cols; c++) sum += data[offset + c]! * x[c]!;
    out[r] = bias === undefined ? sum : sum + bias[r]!;
  }
  return out;
}
