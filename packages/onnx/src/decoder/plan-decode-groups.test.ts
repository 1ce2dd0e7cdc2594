import { describe, expect, it } from 'vitest';
import { planDecodeGroups } from './plan-decode-groups.js';

// smollm2-135m in f32: 540 MB of weights, 46 kB of cache per token
const costs = { weightBytes: 540e6, kvBytesPerToken: 46_080 };

describe('planDecodeGroups', () => {
  it('puts short contexts of unequal lengths in one call', () => {
    expect(planDecodeGroups([48, 83, 53, 78, 60], costs)).toEqual([[0, 2, 4, 3, 1]]);
  });

  it('runs one very long context apart instead of padding every other row to it', () => {
    const groups = planDecodeGroups([50, 8000, 60, 55, 70, 52, 58, 64], costs);
    expect(groups).toEqual([[0, 5, 3, 6, 2, 7, 4], [1]]);
  });

  it('costs no more than one call for all and no more than a call each', () => {
    const lengths = [10, 3000, 40, 2900, 7, 6000, 90, 5];
    const cost = (groups: number[][]) =>
      groups.reduce(
        (sum, group) =>
          sum +
          costs.weightBytes +
          group.length * Math.max(...group.map((i) => lengths[i]!)) * costs.kvBytesPerToken * 3,
        0,
      );
    const planned = planDecodeGroups(lengths, costs);
    expect(planned.flat().sort((a, b) => a - b)).toEqual(lengths.map((_, i) => i));
    expect(cost(planned)).toBeLessThanOrEqual(cost([lengths.map((_, i) => i)]));
    expect(cost(planned)).toBeLessThanOrEqual(cost(lengths.map((_, i) => [i])));
    expect(planned.length).toBeGreaterThan(1);
  });

  it('answers no rows with no groups', () => {
    expect(planDecodeGroups([], costs)).toEqual([]);
  });
});
