/** A working set of tokens still in the running: parallel arrays, the first `length` entries valid. */
export interface Candidates {
  ids: Int32Array;
  logits: Float32Array;
  length: number;
  /** True when entries are ordered by logit, highest first, ties by lower id first. */
  sorted: boolean;
}

/** Every token of a logits row, in id order. `ids` may be a reused identity buffer. */
export function candidatesFromLogits(logits: Float32Array, ids?: Int32Array): Candidates {
  const n = logits.length;
  let identity = ids;
  if (identity === undefined || identity.length < n) {
    identity = new Int32Array(n);
    for (let i = 0; i < n; i++) identity[i] = i;
  }
  return { ids: identity, logits, length: n, sorted: false };
}

/** True when candidate a ranks before candidate b (higher logit, then lower id). */
export function ranksBefore(logitA: number, idA: number, logitB: number, idB: number): boolean {
  return logitA > logitB || (logitA === logitB && idA < idB);
}
