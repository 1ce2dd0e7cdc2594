import type { Example } from '../modules/example.js';
import type { TraceEntry } from '../modules/module.js';
import type { Prediction } from '../modules/prediction.js';

/**
 * Scores a prediction against its example. `trace` is given while an optimiser bootstraps demos
 * and undefined during evaluation, as DSPy passes `trace=None` there (metrics may be stricter with one).
 */
export type Metric = (
  example: Example,
  prediction: Prediction,
  trace: readonly TraceEntry[] | undefined,
) => boolean | number | Promise<boolean | number>;

/** A metric's value as a number: true → 1, false → 0. */
export function scoreValue(value: boolean | number): number {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new TypeError(`a metric must return a boolean or a number, got ${String(value)}`);
  }
  return value;
}
