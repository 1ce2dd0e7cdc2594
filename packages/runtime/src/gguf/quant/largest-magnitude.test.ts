import { describe, expect, it } from 'vitest';
import { largestMagnitude } from './largest-magnitude.js';

describe('largestMagnitude', () => {
  it('keeps the sign of the largest magnitude inside the range only', () => {
    const values = Float32Array.from([100, 1, -3, 2, -100]);
    expect(largestMagnitude(values, 1, 3)).toBe(-3);
    expect(largestMagnitude(values, 0, 5)).toBe(100);
  });

  it('takes the first of equal magnitudes, and 0 for an all-zero range', () => {
    expect(largestMagnitude(Float32Array.from([2, -2]), 0, 2)).toBe(2);
    expect(largestMagnitude(Float32Array.from([-2, 2]), 0, 2)).toBe(-2);
    expect(largestMagnitude(new Float32Array(4), 0, 4)).toBe(0);
  });
});
