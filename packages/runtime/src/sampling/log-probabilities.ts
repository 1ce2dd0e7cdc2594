export interface RankedLogprob {
  id: number;
  logprob: number;
}

/**
 * log-softmax of one logits row (f64, max-shifted) at `id`, and the `top` likeliest ids, most likely
 * first (ties to the lower id). The row is not modified.
 */
export function logProbabilities(
  logits: ArrayLike<number>,
  id: number,
  top: number,
): { logprob: number; top: RankedLogprob[] } {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < logits.length; i++) if (logits[i]! > max) max = logits[i]!;
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp(logits[i]! - max);
  const logZ = max + Math.log(sum);
  const best: RankedLogprob[] = [];
  if (top > 0) {
    for (let i = 0; i < logits.length; i++) {
      const logit = logits[i]!;
      if (best.length === top && logit <= best[best.length - 1]!.logprob) continue;
      let at = best.length;
      while (at > 0 && best[at - 1]!.logprob < logit) at--;
      best.splice(at, 0, { id: i, logprob: logit });
      if (best.length > top) best.pop();
    }
  }
  return {
    logprob: logits[id]! - logZ,
    top: best.map((entry) => ({ id: entry.id, logprob: entry.logprob - logZ })),
  };
}
