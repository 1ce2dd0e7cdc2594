import { describe, expect, it } from 'vitest';
import { nmse } from './nmse.js';
import { relativeL2 } from './relative-l2.js';

describe('relativeL2', () => {
  it('is ‖a − b‖ / ‖b‖, the square root of nmse', () => {
    expect(relativeL2([3, 4], [3, 4])).toBe(0);
    expect(relativeL2([3, 4], [0, 4])).toBeCloseTo(3 / 4, 12);
    const a = Float32Array.of(1, -2, 0.5);
    const b = Float32Array.of(1.1, -2, 0.25);
    expect(relativeL2(a, b) ** 2).toBeCloseTo(nmse(a, b), 12);
    expect(relativeL2([1], [0])).toBe(Number.POSITIVE_INFINITY);
  });

  it('rejects rows of different lengths', () => {
    expect(() => relativeL2([1, 2], [1])).toThrow(RangeError);
  });
});
