import { throwIfAborted } from '../errors/abort-error.js';
import { combineSignals } from '../lm/combine-signals.js';
import type { ForwardOptions, Module } from './module.js';
import type { Prediction } from './prediction.js';

type Values = Record<string, unknown>;

export interface BatchOptions extends ForwardOptions {
  /** Calls in flight at once. Default 8. */
  concurrency?: number;
}

/**
 * Runs `module` over every input with at most `concurrency` calls in flight; results keep the order
 * of `inputsList`. The first failure rejects the batch and aborts the calls still running.
 */
export async function batch<I extends Values, O extends Values>(
  module: Pick<Module<I, O>, 'forward'>,
  inputsList: readonly I[],
  options: BatchOptions = {},
): Promise<Prediction<O>[]> {
  const { concurrency = 8, signal, ...forwardOptions } = options;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`);
  }
  const stopOthers = new AbortController();
  const callSignal = combineSignals(signal, stopOthers.signal);
  const results = new Array<Prediction<O>>(inputsList.length);
  let next = 0;
  const worker = async () => {
    while (next < inputsList.length && !callSignal?.aborted) {
      const index = next++;
      results[index] = await module.forward(inputsList[index] as I, {
        ...forwardOptions,
        signal: callSignal,
      });
    }
  };
  const workers = Array.from({ length: Math.min(concurrency, inputsList.length) }, worker);
  try {
    await Promise.all(workers);
  } catch (error) {
    stopOthers.abort(error);
    throw error;
  }
  throwIfAborted(signal);
  return results;
}
