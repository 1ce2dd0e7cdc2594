import type { ForwardOptions, Module, Predictor, TraceEntry } from './module.js';
import type { Prediction } from './prediction.js';

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

  async forward(inputs: I, options: ForwardOptions = {}): Promise<Prediction<O>> {
    const attempts = runAttempts<I, O>(this, inputs, options, async (attempt) => ({
      prediction: await this.module.forward(inputs, attempt.options),
    }));
    return attempts;
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

export interface Attempt {
  index: number;
  options: ForwardOptions;
  trace: TraceEntry[];
}

interface AttemptSettings<I extends Values, O extends Values> {
  readonly n: number;
  readonly rewardFn: RewardFn<I, O>;
  readonly threshold: number;
  readonly failCount: number;
}

/**
 * The loop BestOfN and Refine share: attempt i runs at temperature 1.0 with seed `start + i`;
 * `afterMiss` runs after an attempt that scored under the threshold (not after the last).
 * Failures count as in DSPy (`if idx > fail_count: raise`, then `fail_count -= 1`); when every
 * attempt failed, the last error is thrown.
 */
export async function runAttempts<I extends Values, O extends Values>(
  settings: AttemptSettings<I, O>,
  inputs: I,
  options: ForwardOptions,
  run: (attempt: Attempt) => Promise<{ prediction: Prediction<O> }>,
  afterMiss?: (attempt: Attempt, prediction: Prediction<O>, reward: number) => Promise<void>,
): Promise<Prediction<O>> {
  const start = options.seed ?? 0;
  let remainingFailures = settings.failCount;
  let best: { prediction: Prediction<O>; trace: TraceEntry[]; reward: number } | undefined;
  let lastError: unknown;
  for (let index = 0; index < settings.n; index++) {
    const trace: TraceEntry[] = [];
    const attempt: Attempt = {
      index,
      trace,
      options: { ...options, temperature: 1.0, seed: start + index, trace },
    };
    try {
      const { prediction } = await run(attempt);
      const reward = await settings.rewardFn(inputs, prediction);
      if (best === undefined || reward > best.reward) best = { prediction, trace, reward };
      if (reward >= settings.threshold || index === settings.n - 1) break;
      await afterMiss?.(attempt, prediction, reward);
    } catch (error) {
      if (options.signal?.aborted) throw error;
      lastError = error;
      if (index > remainingFailures) throw error;
      remainingFailures--;
    }
  }
  if (!best) throw lastError;
  options.trace?.push(...best.trace);
  return best.prediction;
}
