import type { ForwardRequest } from '@x/runtime';

/**
 * Checks that a forward batch has the shape of `ForwardRequest[]` before it crosses into C++; the
 * sequence, vocabulary and context checks are `SequenceTable.checkBatch`'s, as in every engine.
 */
export function validateBatchShape(batch: unknown): asserts batch is ForwardRequest[] {
  if (!Array.isArray(batch)) throw new TypeError('forward: batch must be an array of requests');
  batch.forEach((request: Partial<ForwardRequest> | null, index) => {
    const where = `forward: batch[${index}]`;
    if (typeof request !== 'object' || request === null) throw new TypeError(`${where} must be an object`);
    const { seq, tokens, logitsFor } = request;
    if (typeof seq !== 'number') throw new TypeError(`${where}.seq must be a sequence id, got ${typeof seq}`);
    if (!(tokens instanceof Int32Array)) throw new TypeError(`${where}.tokens must be an Int32Array`);
    if (logitsFor !== 'last' && logitsFor !== 'all') {
      throw new TypeError(`${where}.logitsFor must be 'last' or 'all', got ${String(logitsFor)}`);
    }
  });
}
