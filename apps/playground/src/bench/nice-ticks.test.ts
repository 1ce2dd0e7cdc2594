import { describe, expect, it } from 'vitest';
import { BenchDataError } from './bench-data-error.js';
import { formatTick, niceTicks } from './nice-ticks.js';

describe('niceTicks', () => {
  it('runs from 0 in steps of 1, 2 or 5 × 10^k to the first tick at or above the maximum', () => {
    expect(niceTicks(2.75)).toEqual([0, 1, 2, 3]);
    expect(niceTicks(0.3)).toEqual([0, 0.1, 0.2, 0.3]);
    expect(niceTicks(83.9)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(niceTicks(1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
  });

  it('gives a unit axis for all-zero data and refuses values it cannot scale to', () => {
    expect(niceTicks(0)).toEqual([0, 1]);
    expect(() => niceTicks(Number.POSITIVE_INFINITY)).toThrow(BenchDataError);
    expect(() => niceTicks(-1)).toThrow(/cannot scale an axis to -1/);
  });

  it('prints ticks without trailing zeros', () => {
    expect([formatTick(0.30000000000000004), formatTick(2), formatTick(1.955)]).toEqual(['0.3', '2', '1.96']);
  });
});
