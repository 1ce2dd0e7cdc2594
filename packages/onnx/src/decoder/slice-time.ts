import type { OrtTensorData } from '../ort/ort-session.js';

/**
 * Keeps steps [start, start + length) along `timeAxis` of a row-major tensor: the blocks before the axis
 * are copied one by one, each `length × inner` values long.
 */
export function sliceTime<T extends OrtTensorData>(
  data: T,
  dims: readonly number[],
  timeAxis: number,
  length: number,
  start = 0,
): { data: T; dims: number[] } {
  const total = dims[timeAxis]!;
  const inner = dims.slice(timeAxis + 1).reduce((a, b) => a * b, 1);
  const outer = dims.slice(0, timeAxis).reduce((a, b) => a * b, 1);
  const Constructor = data.constructor as new (n: number) => T;
  const out = new Constructor(outer * length * inner);
  for (let block = 0; block < outer; block++) {
    const from = (block * total + start) * inner;
    out.set(data.subarray(from, from + length * inner) as never, block * length * inner);
  }
  const newDims = [...dims];
  newDims[timeAxis] = length;
  return { data: out, dims: newDims };
}
