import { describe, expect, it } from 'vitest';
import { VerifyCost } from './verify-cost.js';

describe('VerifyCost', () => {
  it('assumes half a step per drafted token until two sizes are timed', () => {
    const cost = new VerifyCost();
    expect(cost.ratio(4)).toBe(3);
    cost.record(1, 10);
    expect(cost.ratio(4)).toBe(3);
  });

  it('fits the timed sizes with a line, relative to a one-token step', () => {
    const cost = new VerifyCost();
    for (let i = 0; i < 20; i++) {
      cost.record(1, 10);
      cost.record(3, 14);
      cost.record(9, 26);
    }
    expect(cost.ratio(8)).toBeCloseTo(2.6, 5);
    expect(cost.ratio(0)).toBe(1);
  });

  it('follows the latest timings and ignores nonsense', () => {
    const cost = new VerifyCost();
    cost.record(1, 10);
    cost.record(5, 50);
    expect(cost.ratio(4)).toBeCloseTo(5, 5);
    for (let i = 0; i < 40; i++) cost.record(5, 20);
    expect(cost.ratio(4)).toBeCloseTo(2, 1);
    cost.record(5, Number.NaN);
    cost.record(0, 5);
    expect(cost.ratio(4)).toBeCloseTo(2, 1);
    // a larger forward never counts as cheaper than a step
    const odd = new VerifyCost();
    odd.record(1, 10);
    odd.record(5, 4);
    expect(odd.ratio(4)).toBe(1);
  });
});
