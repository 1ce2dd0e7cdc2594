import { BenchDataError } from './bench-data-error.js';

/**
 * Axis ticks from 0 up to the first round number at or above `max` (steps of 1, 2 or 5 × 10^k),
 * about `count` of them. Charts of ratios and rates start at 0 so that bar lengths compare honestly.
 */
export function niceTicks(max: number, count = 5): number[] {
  if (!Number.isFinite(max) || max < 0) throw new BenchDataError(`cannot scale an axis to ${max}`);
  if (max === 0) return [0, 1];
  const rough = max / count;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((factor) => factor * magnitude).find((candidate) => candidate >= rough)!;
  const ticks: number[] = [];
  for (let index = 0; ticks.at(-1) === undefined || ticks.at(-1)! < max; index++) {
    // Rounded so that 0.1 * 3 prints as 0.3.
    ticks.push(Number((index * step).toPrecision(12)));
  }
  return ticks;
}

/** A tick or value label: no more digits than needed, at most `digits` after the point. */
export const formatTick = (value: number, digits = 2): string => String(Number(value.toFixed(digits)));
