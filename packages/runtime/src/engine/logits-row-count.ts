import type { ForwardRequest } from './engine.js';

/** Logits rows a forward call returns for one request: one for 'last', one per token for 'all', none without tokens. */
export function requestLogitsRows({
  tokens,
  logitsFor,
}: Pick<ForwardRequest, 'tokens' | 'logitsFor'>): number {
  return tokens.length === 0 ? 0 : logitsFor === 'all' ? tokens.length : 1;
}

/** Logits rows a forward call returns for `batch`. */
export function logitsRowCount(batch: readonly ForwardRequest[]): number {
  let rows = 0;
  for (const request of batch) rows += requestLogitsRows(request);
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
