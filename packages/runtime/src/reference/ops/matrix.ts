/**
 * A row-major f32 matrix of `rows` output features × `cols` input features. This is GGUF's layout for
 * a weight of shape [cols, rows] (shape[0] fastest), so a row is one output's contiguous weights.
 */
export interface Matrix {
  data: Float32Array;
  rows: number;
  cols: number;
}

/** The rows `[start, start + count)` of `matrix`, sharing its memory. */
export function sliceRows(matrix: Matrix, start: number, count: number): Matrix {
  const { cols } = matrix;
  return { data: matrix.data.subarray(start * cols, (start + count) * cols), rows: count, cols };
}
