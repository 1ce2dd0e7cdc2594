/** Greedy pick: the highest logit; ties go to the lowest id, as llama.cpp's greedy sampler does. */
export function argmax(logits: ArrayLike<number>): number {
  let best = 0;
  let bestLogit = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < logits.length; i++) {
    const logit = logits[i]!;
    if (logit > bestLogit) {
      bestLogit = logit;
      best = i;
    }
  }
  return best;
}
