import type { Engine } from '@x/runtime';
import { argmax } from '@x/runtime';
import { shortfall } from '@x/runtime/testing';

/** A step where our argmax is not the oracle's token. */
export interface Disagreement {
  step: number;
  ours: number;
  oracle: number;
  /** (our top logit − our logit of the oracle's token) / |top|: below 0.01 is a near tie. */
  shortfall: number;
  /**
   * The same measure on the reference engine (the specification): (its logit of the oracle's token − its
   * logit of ours) / |its top|. Below 0.01 the specification itself sees a near tie, or prefers our token.
   */
  referenceShortfall: number;
}

/**
 * Feeds `prompt` and the oracle's greedy tokens through `native` and `reference` in one pass each, and
 * lists every step where the native argmax is not the oracle's token, with what explains it: a near tie,
 * or the specification seeing one (or preferring our token): then rounding, the oracle's or ours, decides.
 */
export async function oracleDisagreements(
  native: Engine,
  reference: Engine,
  prompt: number[],
  oracle: number[],
): Promise<Disagreement[]> {
  const tokens = Int32Array.from([...prompt, ...oracle]);
  const rows = async (engine: Engine): Promise<Float32Array> => {
    const seq = engine.createSequence();
    try {
      const [logits] = await engine.forward([{ seq, tokens, logitsFor: 'all' }]);
      return logits!;
    } finally {
      engine.release(seq);
    }
  };
  const ours = await rows(native);
  const spec = await rows(reference);
  const vocab = native.info.vocabSize;
  const disagreements: Disagreement[] = [];
  oracle.forEach((expected, step) => {
    const start = (prompt.length - 1 + step) * vocab;
    const row = ours.subarray(start, start + vocab);
    const specRow = spec.subarray(start, start + vocab);
    const pick = argmax(row);
    if (pick === expected) return;
    const specTop = specRow[argmax(specRow)]!;
    disagreements.push({
      step,
      ours: pick,
      oracle: expected,
      shortfall: shortfall(row, expected),
      referenceShortfall: (specRow[expected]! - specRow[pick]!) / Math.max(Math.abs(specTop), 1e-9),
    });
  });
  return disagreements;
}
