import type { Candidates } from './candidates.js';
import type { Prng } from './prng.js';

/**
 * Draws one token id from softmax(logits / temperature) over the candidates with one call to
 * `random`. `scratch` (at least candidates.length long) may be passed to avoid an allocation.
 */
export function sampleCandidate(
  candidates: Candidates,
  random: Prng,
  temperature = 1,
  scratch?: Float64Array,
): number {
  const { ids, logits, length } = candidates;
  const weights = scratch && scratch.length >= length ? scratch : new Float64Array(length);
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < length; i++) if (logits[i]! > max) max = logits[i]!;
  if (max === Number.NEGATIVE_INFINITY) return ids[0]!;
  let sum = 0;
  for (let i = 0; i < length; i++) {
    const weight = Math.exp((logits[i]! - max) / temperature);
    weights[i] = weight;
    sum += weight;
  }
  const threshold = random() * sum;
  let cumulative = 0;
  let last = 0;
  for (let i = 0; i < length; i++) {
    if (weights[i]! <= 0) continue;
    last = i;
    cumulative += weights[i]!;
    if (threshold < cumulative) return ids[i]!;
  }
  // Rounding can leave the total a hair under the threshold: the last token with mass takes it.
  return ids[last]!;
}
