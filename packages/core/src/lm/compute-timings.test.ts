import { describe, expect, it } from 'vitest';
import { computeTimings } from './compute-timings.js';

describe('computeTimings', () => {
  it('measures ttft and decode speed after the first token', () => {
    const timings = computeTimings({ startMs: 100, firstTokenMs: 150, endMs: 1150, completionTokens: 11 });
    expect(timings.ttftMs).toBe(50);
    expect(timings.tokensPerSecond).toBeCloseTo(10);
    expect(timings.totalMs).toBe(1050);
  });

  it('reports zero speed when nothing was decoded', () => {
    expect(computeTimings({ startMs: 0, firstTokenMs: undefined, endMs: 5, completionTokens: 0 })).toEqual({
      ttftMs: 5,
      tokensPerSecond: 0,
      totalMs: 5,
    });
  });
});
