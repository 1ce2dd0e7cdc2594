import type { ForwardRequest } from './engine.js';

/** Logits rows a forward call returns for `batch`: one per 'last' request, one per token for 'all'. */
export function logitsRowCount(batch: readonly ForwardRequest[]): number {
  let rows = 0;
  for (const { tokens, logitsFor } of batch) rows += logitsFor === 'all' ? tokens.length : 1;
  return rows;
}

/** Throws a RangeError unless `into` (ForwardOptions.logitsInto) holds every logits row of `batch`. */
export function checkLogitsInto(
  into: Float32Array | undefined,
  batch: readonly ForwardRequest[],
  vocabSize: number,
): void {
  if (into === undefined) return;
  if (!(into instanceof Float32Array)) throw new RangeError('logitsInto must be a Float32Array');
  const needed = logitsRowCount(batch) * vocabSize;
  if (into.length < needed)
    throw new RangeError(`logitsInto holds ${into.length} floats, the batch's logits need ${needed}`);
}
