export interface PenaltyOptions {
  /** Divides positive logits, multiplies negative ones (1 = off). */
  repetition: number;
  /** Subtracted once from every token seen in the window (0 = off). */
  presence: number;
  /** Subtracted once per occurrence in the window (0 = off). */
  frequency: number;
  /** How many of the most recent tokens count; Infinity = all. */
  window: number;
}

/**
 * llama.cpp's penalties sampler, in place: for each token seen `count` times in the last `window`
 * ids of `history`, logit = logit <= 0 ? logit * repetition : logit / repetition, then
 * logit -= count * frequency + presence.
 */
export function applyPenalties(
  logits: Float32Array,
  history: ArrayLike<number>,
  options: PenaltyOptions,
): void {
  const { repetition, presence, frequency } = options;
  const start = Math.max(0, history.length - options.window);
  const counts = new Map<number, number>();
  for (let i = start; i < history.length; i++) {
    const id = history[i]!;
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  for (const [id, count] of counts) {
    if (id < 0 || id >= logits.length) continue;
    let logit = logits[id]!;
    logit = logit <= 0 ? logit * repetition : logit / repetition;
    logits[id] = logit - count * frequency - presence;
  }
}
