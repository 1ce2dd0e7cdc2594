import type { Engine } from '@x/runtime';
import { argmax } from '@x/runtime';
import { shortfall } from '@x/runtime/testing';

/** One free-running greedy step on the native engine: its pick and its logits row. */
export interface GreedyStep {
  token: number;
  logits: Float32Array;
}

/** Greedy decoding on `engine`: feeds `prompt`, then `count` argmax tokens, one forward per token. */
export async function nativeGreedy(engine: Engine, prompt: number[], count: number): Promise<GreedyStep[]> {
  const seq = engine.createSequence();
  const steps: GreedyStep[] = [];
  let input = Int32Array.from(prompt);
  try {
    while (steps.length < count) {
      const [logits] = await engine.forward([{ seq, tokens: input, logitsFor: 'last' }]);
      const token = argmax(logits!);
      steps.push({ token, logits: logits! });
      input = Int32Array.of(token);
    }
    return steps;
  } finally {
    engine.release(seq);
  }
}

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
