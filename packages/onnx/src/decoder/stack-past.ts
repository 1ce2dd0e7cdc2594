import { createOrtTensor, type OrtTensor, type OrtTensorData } from '../ort/ort-session.js';

/** One sequence's cache tensor (batch 1) and the steps of it that count. */
export interface PastPart {
  tensor: OrtTensor;
  start: number;
  length: number;
}

/**
 * Stacks batch-1 caches ([1, H, T, D], or [2, 1, H, T, D] fused) along the batch axis into one of `width`
 * steps: part i's steps [start, start + length) land at step `offsets[i]` of its row, every other step is
 * zero (padding the attention mask hides). One copy of each part.
 */
export function stackPast(
  parts: readonly PastPart[],
  timeAxis: number,
  width: number,
  offsets: readonly number[],
): OrtTensor {
  const first = parts[0]!.tensor;
  const batchAxis = timeAxis - 2;
  const dims = [...first.dims];
  dims[batchAxis] = parts.length;
  dims[timeAxis] = width;
  const outer = dims.slice(0, batchAxis).reduce((a, b) => a * b, 1);
  const heads = dims[batchAxis + 1]!;
  const inner = dims.slice(timeAxis + 1).reduce((a, b) => a * b, 1);
  const Constructor = first.data.constructor as new (n: number) => OrtTensorData;
  const data = new Constructor(outer * parts.length * heads * width * inner);
  for (let o = 0; o < outer; o++) {
    parts.forEach(({ tensor, start, length }, i) => {
      const steps = tensor.dims[timeAxis]!;
      for (let h = 0; h < heads; h++) {
        const from = ((o * heads + h) * steps + start) * inner;
        const to = (((o * parts.length + i) * heads + h) * width + offsets[i]!) * inner;
        data.set(tensor.data.subarray(from, from + length * inner) as never, to);
      }
    });
  }
  return createOrtTensor(first.type, data, dims);
}
