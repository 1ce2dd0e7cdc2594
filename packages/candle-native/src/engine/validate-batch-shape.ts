import type { ForwardRequest } from '@x/runtime';

/**
 * Checks that a forward batch has the shape of `ForwardRequest[]` before it crosses into C++; the
 * sequence, vocabulary and context checks are `SequenceTable.checkBatch`'s, as in every engine.
 */
export function validateBatchShape(batch: unknown): asserts batch is ForwardRequest[] {
  if (!Array.isArray(batch)) throw new TypeError('forward: batch must be an array of requests');
  for (let index = 0; index < batch.length; index++) {
    const request: Partial<ForwardRequest> | null = batch[index];
    if (typeof request !== 'object' || request === null)
      throw new TypeError(`${where(index)} must be an object`);
    const { seq, tokens, logitsFor } = request;
    if (typeof seq !== 'number')
      throw new TypeError(`${where(index)}.seq must be a sequence id, got ${typeof seq}`);
    if (!(tokens instanceof Int32Array)) throw new TypeError(`${where(index)}.tokens must be an Int32Array`);
    if (logitsFor !== 'last' && logitsFor !== 'all') {
      throw new TypeError(`${where(index)}.logitsFor must be 'last' or 'all', got ${String(logitsFor)}`);
    }
  }
}

/** Built only for a request that fails: the check runs on every forward call. */
function where(index: number): string {
  return `forward: batch[${index}]`;
}
