import { ContextLengthError } from '@x/core';
import type { ForwardRequest, SequenceId } from '@x/runtime';

/**
 * Checks a forward batch before it crosses into C++, so a bad request fails with a precise error and
 * leaves every sequence untouched. Returns each sequence's length after the batch.
 */
export function validateBatch(
  batch: unknown,
  lengths: ReadonlyMap<SequenceId, number>,
  limits: { vocabSize: number; contextLength: number },
): Map<SequenceId, number> {
  if (!Array.isArray(batch)) throw new TypeError('forward: batch must be an array of requests');
  const planned = new Map<SequenceId, number>();
  batch.forEach((request: Partial<ForwardRequest> | null, index) => {
    const where = `forward: batch[${index}]`;
    if (typeof request !== 'object' || request === null) throw new TypeError(`${where} must be an object`);
    const { seq, tokens, logitsFor } = request;
    if (typeof seq !== 'number') throw new TypeError(`${where}.seq must be a sequence id, got ${typeof seq}`);
    const length = lengths.get(seq);
    if (length === undefined) throw new RangeError(`${where}: unknown sequence ${seq}`);
    if (planned.has(seq)) throw new RangeError(`${where}: sequence ${seq} appears twice in one batch`);
    if (!(tokens instanceof Int32Array)) throw new TypeError(`${where}.tokens must be an Int32Array`);
    if (logitsFor !== 'last' && logitsFor !== 'all') {
      throw new TypeError(`${where}.logitsFor must be 'last' or 'all', got ${String(logitsFor)}`);
    }
    if (tokens.length === 0 && logitsFor === 'last') {
      throw new RangeError(`${where}: 'last' logits need at least one token`);
    }
    for (const token of tokens) {
      if (token < 0 || token >= limits.vocabSize) {
        throw new RangeError(
          `${where}: token ${token} is outside the vocabulary (0..${limits.vocabSize - 1})`,
        );
      }
    }
    const after = length + tokens.length;
    if (after > limits.contextLength) {
      throw new ContextLengthError({ promptTokens: after, contextLength: limits.contextLength });
    }
    planned.set(seq, after);
  });
  return planned;
}

/** A whole number in [min, max], or a RangeError naming the argument. */
export function requireInteger(name: string, value: unknown, min: number, max = 2 ** 31 - 1): number {
  if (typeof value !== 'number') throw new TypeError(`${name} must be a number, got ${typeof value}`);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer in ${min}..${max}, got ${value}`);
  }
  return value;
}
