import type { Candidates } from './candidates.js';

/** Probabilities of the candidates (same order), computed in f64 from the max-shifted logits. */
export function softmax(candidates: Candidates): Float64Array {
  const { logits, length } = candidates;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < length; i++) if (logits[i]! > max) max = logits[i]!;
  const probabilities = new Float64Array(length);
  if (max === Number.NEGATIVE_INFINITY) return probabilities;
  let sum = 0;
  for (let i = 0; i < length; i++) {
    const p = Math.exp(logits[i]! - max);
    probabilities[i] = p;
    sum += p;
  }
  for (let i = 0; i < length; i++) probabilities[i] = probabilities[i]! / sum;
  return probabilities;
}
