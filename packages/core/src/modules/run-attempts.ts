import type { RewardFn } from './best-of-n.js';
import type { ForwardOptions, TraceEntry } from './module.js';
import type { Prediction } from './prediction.js';

type Values = Record<string, unknown>;

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
