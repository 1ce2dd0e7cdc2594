import { describe, expect, it } from 'vitest';
import { GGMLType } from '../ggml-type.js';
import { quantize } from '../quantize.js';
import { dequantize } from '../tensor-data.js';

function gaussian(count: number, seed: number): Float32Array {
  let state = seed >>> 0 || 1;
  const uniform = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return ((state >>> 0) + 0.5) / 2 ** 32;
  };
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++)
    out[i] = Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform()) * 0.02;
  return out;
}

function relativeRms(a: Float32Array, b: Float32Array): number {
  let error = 0;
  let norm = 0;
  for (let i = 0; i < a.length; i++) {
    error += ((a[i] as number) - (b[i] as number)) ** 2;
    norm += (a[i] as number) ** 2;
  }
  return Math.sqrt(error / norm);
}

function maxBlockRelativeError(a: Float32Array, b: Float32Array, block: number): number {
  let worst = 0;
  for (let start = 0; start < a.length; start += block) {
    let amax = 0;
    let error = 0;
    for (let i = start; i < start + block; i++) {
      amax = Math.max(amax, Math.abs(a[i] as number));
      error = Math.max(error, Math.abs((a[i] as number) - (b[i] as number)));
    }
    worst = Math.max(worst, error / amax);
  }
  return worst;
}

// [type, block, max relative RMS error, max error / block absmax, re-quantizing restores the bytes]
const tolerances: Array<[GGMLType, number, number, number, boolean]> = [
  [GGMLType.F32, 32, 0, 0, true],
  [GGMLType.F16, 32, 1e-3, 5e-4, true],
  [GGMLType.BF16, 32, 4e-3, 4e-3, true],
  [GGMLType.Q8_0, 32, 0.01, 0.5 / 127 + 2e-3, true],
  [GGMLType.Q6_K, 16, 0.04, 0.04, false],
  [GGMLType.Q4_0, 32, 0.12, 1 / 8 + 0.01, true],
  [GGMLType.Q5_0, 32, 0.06, 1 / 16 + 0.01, true],
  [GGMLType.Q4_K, 32, 0.14, 0.2, false],
];

describe('quantize → dequantize', () => {
  for (const [type, block, rmsBound, blockBound, idempotent] of tolerances) {
    it(`${GGMLType[type]} stays within its format's error`, () => {
      const values = gaussian(256 * 16, type + 1);
      const bytes = quantize(type, values);
      const restored = dequantize(type, bytes, values.length);
      expect(restored).toHaveLength(values.length);
      expect(relativeRms(values, restored)).toBeLessThanOrEqual(rmsBound);
      expect(maxBlockRelativeError(values, restored, block)).toBeLessThanOrEqual(blockBound);
      if (idempotent) expect(quantize(type, restored)).toEqual(bytes);
    });
  }

  it('keeps all-zero blocks at zero', () => {
    for (const [type] of tolerances) {
      expect(
        Array.from(dequantize(type, quantize(type, new Float32Array(256)), 256)).every((v) => v === 0),
      ).toBe(true);
    }
  });

  it('rejects lengths that are not whole blocks', () => {
    expect(() => quantize(GGMLType.Q8_0, new Float32Array(33))).toThrow(RangeError);
  });
});
