import type { Engine } from '@x/runtime';

export interface GreedyComparison {
  /** Steps where the oracle's top two logits were within 1%: not compared. */
  nearTies: number;
  /** Steps where our argmax differed from the oracle's outside a near tie. */
  mismatches: number[];
}

function topTwo(logits: Float32Array): [number, number] {
  let best = 0;
  let second = -1;
  for (let i = 1; i < logits.length; i++) {
    if (logits[i]! > logits[best]!) {
      second = best;
      best = i;
    } else if (second < 0 || logits[i]! > logits[second]!) second = i;
  }
  return [best, second];
}

/**
 * Greedy-decodes `count` tokens, feeding the oracle's pick to both engines. Steps where the oracle's top two
 * logits are within 1% are near ties, where float differences may legitimately flip the pick: not compared.
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
    const [best, second] = topTwo(theirs!);
    const gap = Math.abs(theirs![best]! - theirs![second]!) / Math.max(Math.abs(theirs![best]!), 1e-6);
    if (gap < 0.01) result.nearTies++;
    else if (topTwo(ours!)[0] !== best) result.mismatches.push(step);
    input = Int32Array.of(best);
  }
  engine.release(a);
  oracle.release(b);
  return result;
}
