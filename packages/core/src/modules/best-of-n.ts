import type { ForwardOptions, Module, Predictor } from './module.js';
import type { Prediction } from './prediction.js';
import { runAttempts } from './run-attempts.js';

type Values = Record<string, unknown>;

/** Scores one attempt: the call's inputs and its prediction in, a number out (higher is better). */
export type RewardFn<I extends Values = Values, O extends Values = Values> = (
  inputs: I,
  prediction: Prediction<O>,
) => number | Promise<number>;

export interface BestOfNOptions<I extends Values, O extends Values> {
  /** Attempts at most. */
  n: number;
  rewardFn: RewardFn<I, O>;
  /** An attempt scoring at least this ends the loop. */
  threshold: number;
  /** Failed attempts tolerated before the error is thrown (DSPy's `fail_count`). Default `n`. */
  failCount?: number;
}

/**
 * DSPy's BestOfN: runs the module up to `n` times at temperature 1.0, each attempt with its own seed
 * (DSPy's rollout id: `seed + i`, from the call's seed or 0), and returns the best-scoring prediction,
 * or the first whose reward reaches `threshold`. Only the winning attempt's trace is kept.
 */
export class BestOfN<I extends Values = Values, O extends Values = Values> implements Module<I, O> {
  readonly module: Module<I, O>;
  readonly n: number;
  readonly rewardFn: RewardFn<I, O>;
  readonly threshold: number;
  readonly failCount: number;

  constructor(module: Module<I, O>, options: BestOfNOptions<I, O>) {
    if (!Number.isInteger(options.n) || options.n < 1)
      throw new RangeError(`BestOfN needs n >= 1, got ${options.n}`);
    this.module = module;
    this.n = options.n;
    this.rewardFn = options.rewardFn;
    this.threshold = options.threshold;
    this.failCount = options.failCount ?? options.n;
  }

  forward(inputs: I, options: ForwardOptions = {}): Promise<Prediction<O>> {
    return runAttempts<I, O>(this, inputs, options, async (attempt) => ({
      prediction: await this.module.forward(inputs, attempt.options),
    }));
  }

  call(inputs: I, options?: ForwardOptions): Promise<Prediction<O>> {
    return this.forward(inputs, options);
  }

  namedPredictors(): Array<[string, Predictor]> {
    return this.module.namedPredictors().map(([name, predictor]) => [`module.${name}`, predictor]);
  }

  clone(): this {
    return new BestOfN(this.module.clone(), {
      n: this.n,
      rewardFn: this.rewardFn,
      threshold: this.threshold,
      failCount: this.failCount,
    }) as this;
  }
}
