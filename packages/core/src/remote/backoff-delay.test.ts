import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff-delay.js';

describe('backoffDelay', () => {
  it('doubles from the base, caps at the maximum, and jitters within the upper half', () => {
    const options = { baseMs: 100, maxMs: 1000 };
    expect([0, 1, 2, 3, 4].map((attempt) => backoffDelay(attempt, { ...options, random: () => 0 }))).toEqual([
      50, 100, 200, 400, 500,
    ]);
    expect(backoffDelay(2, { ...options, random: () => 0.999999 })).toBeCloseTo(400, 3);
    for (let i = 0; i < 50; i++) {
      const delay = backoffDelay(3, options);
      expect(delay).toBeGreaterThanOrEqual(400);
      expect(delay).toBeLessThanOrEqual(800);
    }
  });
});
