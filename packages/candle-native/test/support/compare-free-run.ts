import { type GreedyStep, shortfall } from '@x/runtime/testing';

/** How far a free-running greedy run follows the oracle before it may part from it. */
export interface FreeRunComparison {
  /** Leading steps where our token is the oracle's. */
  agreed: number;
  /** The step where the runs parted (-1 if they never did). */
  partedAt: number;
  /** At that step, (top − logit of the oracle's token) / |top|: below 0.01 is a near tie, not a disagreement. */
  shortfall: number;
}

/**
 * Compares `ours` with the oracle's greedy tokens step by step. After the first difference the two runs
 * continue from different text, so comparison stops there; the difference is acceptable only when our
 * logits for the two picks are within 1% (a near tie that float rounding may flip).
 */
export function compareFreeRun(ours: GreedyStep[], oracle: number[]): FreeRunComparison {
  const length = Math.min(ours.length, oracle.length);
  for (let step = 0; step < length; step++) {
    const { token, logits } = ours[step]!;
    const expected = oracle[step]!;
    if (token === expected) continue;
    return { agreed: step, partedAt: step, shortfall: shortfall(logits, expected) };
  }
  return { agreed: length, partedAt: -1, shortfall: 0 };
}
