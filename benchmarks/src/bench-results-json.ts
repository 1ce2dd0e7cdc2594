import os from 'node:os';
import { limitShares } from './limits/limit-shares.ts';
import type { MachineLimits } from './limits/machine-limits.ts';
import type { ModelCost } from './limits/model-cost.ts';
import { spread } from './median.ts';
import type { RunResult } from './runners/run-args.ts';

export interface MeasuredCase {
  case: string;
  engine: string;
  runs: RunResult[];
  /** The case's weight bytes per decoded token and int8 MACs per prompt token. */
  cost: ModelCost;
}

/**
 * What `pnpm bench` writes to results/latest.json and results/history/: every run plus the median
 * per measure, the machine's limits measured in the run, and each median's shares of them. The
 * /bench page and the docs plots read this (@x/playground/bench's benchRunSchema).
 */
export function benchResultsJson(
  measured: readonly MeasuredCase[],
  settings: { threads: number; prompt: number; gen: number; runs: number },
  limits: MachineLimits,
  date = new Date(),
) {
  return {
    date: date.toISOString(),
    machine: {
      cpu: os.cpus()[0]?.model ?? 'unknown CPU',
      cores: os.cpus().length,
      memoryGiB: os.totalmem() / 2 ** 30,
      ...limits,
    },
    settings,
    results: measured.map((entry) => {
      const median = Object.fromEntries(
        (Object.keys(entry.runs[0] ?? {}) as (keyof RunResult)[]).map((key) => [
          key,
          spread(entry.runs.map((r) => r[key])).median,
        ]),
      ) as Record<keyof RunResult, number>;
      return { ...entry, median: { ...median, ...limitShares(median, entry.cost, limits) } };
    }),
  };
}

/** results/history/<file>: the run's UTC time, sortable, without characters some file systems refuse. */
export const historyFileName = (date: string): string => `${date.replace(/[:.]/g, '-')}.json`;
