import { argmax, type Engine } from '@x/runtime';
import { NEAR_TIE, shortfall } from '@x/runtime/testing';

export interface GreedyComparison {
  /** Steps where our pick differed but lies within NEAR_TIE of the oracle's top logit: not a mismatch. */
  nearTies: number;
  /** Steps where our argmax differed from the oracle's outside a near tie. */
  mismatches: number[];
}

/**
 * Greedy-decodes `count` tokens, feeding the oracle's pick to both engines. A different pick that the oracle's
 * logits put within NEAR_TIE of their top is a near tie float differences may flip, not a mismatch.
 */
export async function compareGreedy(
  engine: Engine,
  oracle: Engine,
  prompt: number[],
  count: number,
): Promise<GreedyComparison> {
  const [a, b] = [engine.createSequence(), oracle.createSequence()];
  const result: GreedyComparison = { nearTies: 0, mismatches: [] };
  let input = Int32Array.from(prompt);
  for (let step = 0; step < count; step++) {
    const [ours] = await engine.forward([{ seq: a, tokens: input, logitsFor: 'last' }]);
    const [theirs] = await oracle.forward([{ seq: b, tokens: input, logitsFor: 'last' }]);
    const best = argmax(theirs!);
    const pick = argmax(ours!);
    if (pick !== best) {
      if (shortfall(theirs!, pick) < NEAR_TIE) result.nearTies++;
      else result.mismatches.push(step);
    }
    input = Int32Array.of(best);
  }
  engine.release(a);
  oracle.release(b);
  return result;
}
