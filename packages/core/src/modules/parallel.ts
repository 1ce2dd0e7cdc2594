import { throwIfAborted } from '../errors/abort-error.js';
import { ParallelError } from '../errors/parallel-error.js';
import type { ForwardOptions, Module } from './module.js';
import type { Prediction } from './prediction.js';

type Values = Record<string, unknown>;

/** One unit of work: a module and the inputs to call it with. */
export type ExecPair<I extends Values = Values, O extends Values = Values> = readonly [
  Pick<Module<I, O>, 'forward'>,
  I,
];

export interface ParallelOptions {
  /** Calls in flight at once (DSPy's `num_threads`). Default 8. */
  concurrency?: number;
  /** Failures tolerated; one more stops the run and throws (DSPy's `max_errors`). Default 10. */
  maxErrors?: number;
}

export interface ParallelResult<O extends Values = Values> {
  /** In the order of the pairs; `undefined` where the call failed (DSPy's `None`). */
  results: (Prediction<O> | undefined)[];
  /** The inputs of the pairs that failed, in order (DSPy's `return_failed_examples`). */
  failedExamples: Values[];
  errors: unknown[];
}

/**
 * DSPy's Parallel: runs (module, inputs) pairs with at most `concurrency` in flight. Failed calls
 * give `undefined` and are counted; past `maxErrors` the run stops and throws ParallelError.
 */
export class Parallel {
  readonly concurrency: number;
  readonly maxErrors: number;

  constructor(options: ParallelOptions = {}) {
    this.concurrency = options.concurrency ?? 8;
    this.maxErrors = options.maxErrors ?? 10;
    if (!Number.isInteger(this.concurrency) || this.concurrency < 1)
      throw new RangeError(`concurrency must be a positive integer, got ${this.concurrency}`);
  }

  /** The predictions, `undefined` for failures (DSPy's default return). */
  async forward<I extends Values, O extends Values>(
    pairs: readonly ExecPair<I, O>[],
    options: ForwardOptions = {},
  ): Promise<(Prediction<O> | undefined)[]> {
    return (await this.run(pairs, options)).results;
  }

  /** Predictions plus the failed examples and their errors. */
  async run<I extends Values, O extends Values>(
    pairs: readonly ExecPair<I, O>[],
    options: ForwardOptions = {},
  ): Promise<ParallelResult<O>> {
    const results = new Array<Prediction<O> | undefined>(pairs.length).fill(undefined);
    const failed: { index: number; error: unknown }[] = [];
    let next = 0;
    let stop: ParallelError | undefined;
    const worker = async () => {
      while (next < pairs.length && !stop && !options.signal?.aborted) {
        const index = next++;
        const [module, inputs] = pairs[index]!;
        try {
          results[index] = await module.forward(inputs, options);
        } catch (error) {
          if (options.signal?.aborted) return;
          failed.push({ index, error });
          if (failed.length > this.maxErrors)
            stop ??= new ParallelError({ failures: failed.length, maxErrors: this.maxErrors, cause: error });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, pairs.length) }, worker));
    throwIfAborted(options.signal);
    if (stop) throw stop;
    failed.sort((a, b) => a.index - b.index);
    return {
      results,
      failedExamples: failed.map(({ index }) => pairs[index]![1]),
      errors: failed.map(({ error }) => error),
    };
  }
}
