import { describe, expect, it } from 'vitest';
import { logProbabilities } from './log-probabilities.js';

describe('logProbabilities', () => {
  it('is log-softmax at the chosen id, with the top ids most likely first', () => {
    const logits = Float32Array.of(1, 3, 2, 3, -1);
    const z = Math.log([1, 3, 2, 3, -1].reduce((sum, x) => sum + Math.exp(x), 0));
    const { logprob, top } = logProbabilities(logits, 2, 3);
    expect(logprob).toBeCloseTo(2 - z, 6);
    expect(top.map((entry) => entry.id)).toEqual([1, 3, 2]);
    expect(top[0]!.logprob).toBeCloseTo(3 - z, 6);
    expect(top.reduce((sum, entry) => sum + Math.exp(entry.logprob), 0)).toBeLessThan(1);
  });

  it('stays finite for large logits and returns no alternatives for top 0', () => {
    const { logprob, top } = logProbabilities(Float32Array.of(1000, 999), 0, 0);
    expect(logprob).toBeCloseTo(-Math.log(1 + Math.exp(-1)), 6);
    expect(top).toEqual([]);
  });
});
