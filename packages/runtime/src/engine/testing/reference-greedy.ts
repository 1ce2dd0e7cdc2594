import { argmax } from '../../sampling/argmax.js';
import type { Engine } from '../engine.js';
import { NEAR_TIE, shortfall as shortfallOf } from './oracle-agreement.js';

/** One free-running greedy step: the pick and the logits row it was picked from. */
export interface GreedyStep {
  token: number;
  logits: Float32Array;
}

/** Greedy decoding on `engine`: feeds `tokens`, then `count` argmax tokens, one forward per token. */
export async function greedySteps(engine: Engine, tokens: number[], count: number): Promise<GreedyStep[]> {
  const seq = engine.createSequence();
  const steps: GreedyStep[] = [];
  let input = Int32Array.from(tokens);
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

/** The tokens of `greedySteps`. */
export async function referenceGreedy(engine: Engine, tokens: number[], count: number): Promise<number[]> {
  return (await greedySteps(engine, tokens, count)).map((step) => step.token);
}

export interface TeacherForcedComparison {
  /** Steps where our argmax is the oracle's token. */
  agreed: number;
  /** Steps where it is not, though the oracle's token is within 1% of our top logit (a near tie). */
  nearTies: number;
  /** The largest (top − logit of the oracle's token) / |top| over all steps; below 0.01 means no real disagreement. */
  worstShortfall: number;
}

/**
 * Runs `prompt` followed by the oracle's greedy tokens through `engine` in one pass and checks, at every
 * step, that the oracle's pick is our argmax, or within 1% of it where float differences between
 * implementations (f32 sums, llama.cpp's quantized activations) may legitimately flip a near tie.
 * Teacher forcing keeps comparing after such a flip instead of stopping there.
 */
export async function compareTeacherForced(
  engine: Engine,
  prompt: number[],
  oracle: number[],
): Promise<TeacherForcedComparison> {
  const seq = engine.createSequence();
  const [logits] = await engine.forward([
    { seq, tokens: Int32Array.from([...prompt, ...oracle]), logitsFor: 'all' },
  ]);
  engine.release(seq);
  const vocab = engine.info.vocabSize;
  const result: TeacherForcedComparison = { agreed: 0, nearTies: 0, worstShortfall: 0 };
  oracle.forEach((token, step) => {
    const row = prompt.length - 1 + step;
    const ours = argmax(logits!.subarray(row * vocab, (row + 1) * vocab));
    const shortfall = shortfallOf(logits!.subarray(row * vocab, (row + 1) * vocab), token);
    result.worstShortfall = Math.max(result.worstShortfall, shortfall);
    if (ours === token) result.agreed++;
    else if (shortfall < NEAR_TIE) result.nearTies++;
  });
  return result;
}
