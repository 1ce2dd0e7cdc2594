import type { Candidates } from './candidates.js';

/**
 * Keeps tokens whose probability is at least `minP` times the best one's, i.e. whose logit is at
 * least max + ln(minP); order and sortedness are kept. Linear, no softmax needed.
 */
export function applyMinP(candidates: Candidates, minP: number): Candidates {
  if (minP <= 0 || candidates.length <= 1) return candidates;
  const { ids, logits, length } = candidates;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < length; i++) if (logits[i]! > max) max = logits[i]!;
  const threshold = max + Math.log(minP);
  const outIds = new Int32Array(length);
  const outLogits = new Float32Array(length);
  let kept = 0;
  for (let i = 0; i < length; i++) {
    if (logits[i]! >= threshold) {
      outIds[kept] = ids[i]!;
      outLogits[kept] = logits[i]!;
      kept++;
    }
  }
  return { ids: outIds, logits: outLogits, length: kept, sorted: candidates.sorted };
}
