import { type Candidates, ranksBefore } from './candidates.js';

const BUCKETS = 1024;
/** Logits this far below the max share the last bucket: e^-32 per token is no mass at all. */
const RANGE = 32;

/**
 * Nucleus filter (llama.cpp semantics): keep the smallest best-first set whose probability mass
 * reaches `p`, including the token that crosses it; at least one token. Unsorted input is never
 * fully sorted: tokens are bucketed by logit, whole buckets are kept until the one where the
 * mass crosses `p`, and only that bucket is sorted. The result is then unsorted.
 */
export function applyTopP(candidates: Candidates, p: number): Candidates {
  if (p >= 1 || candidates.length <= 1) return candidates;
  const { ids, logits, length } = candidates;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < length; i++) if (logits[i]! > max) max = logits[i]!;
  const weights = new Float64Array(length);
  let sum = 0;
  for (let i = 0; i < length; i++) {
    weights[i] = Math.exp(logits[i]! - max);
    sum += weights[i]!;
  }
  const target = p * sum;
  if (candidates.sorted) {
    let cumulative = 0;
    for (let i = 0; i < length; i++) {
      cumulative += weights[i]!;
      if (cumulative >= target) return { ...candidates, length: i + 1 };
    }
    return candidates;
  }

  const bucketOf = (i: number) => Math.min(BUCKETS - 1, Math.floor(((max - logits[i]!) * BUCKETS) / RANGE));
  const bucketMass = new Float64Array(BUCKETS);
  for (let i = 0; i < length; i++) bucketMass[bucketOf(i)]! += weights[i]!;
  let crossing = BUCKETS - 1;
  let before = 0;
  for (let b = 0; b < BUCKETS; b++) {
    if (before + bucketMass[b]! >= target) {
      crossing = b;
      break;
    }
    before += bucketMass[b]!;
  }

  const outIds = new Int32Array(length);
  const outLogits = new Float32Array(length);
  let kept = 0;
  const inCrossing: number[] = [];
  for (let i = 0; i < length; i++) {
    const bucket = bucketOf(i);
    if (bucket < crossing) {
      outIds[kept] = ids[i]!;
      outLogits[kept++] = logits[i]!;
    } else if (bucket === crossing) inCrossing.push(i);
  }
  inCrossing.sort((a, b) => (ranksBefore(logits[a]!, ids[a]!, logits[b]!, ids[b]!) ? -1 : 1));
  let cumulative = before;
  for (const i of inCrossing) {
    outIds[kept] = ids[i]!;
    outLogits[kept++] = logits[i]!;
    cumulative += weights[i]!;
    if (cumulative >= target) break;
  }
  return { ids: outIds, logits: outLogits, length: kept, sorted: false };
}
