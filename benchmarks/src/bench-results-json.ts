import os from 'node:os';
import { spread } from './median.ts';
import type { RunResult } from './runners/run-args.ts';

export interface MeasuredCase {
  case: string;
  engine: string;
  runs: RunResult[];
}

/**
 * What `pnpm bench` writes to results/latest.json and results/history/: every run plus the median
 * per measure. The /bench page and the docs plots read this (@x/playground/bench's benchRunSchema).
 */
export function benchResultsJson(
  measured: readonly MeasuredCase[],
  settings: { threads: number; prompt: number; gen: number; runs: number },
  date = new Date(),
) {
  return {
    date: date.toISOString(),
    machine: {
      cpu: os.cpus()[0]?.model ?? 'unknown CPU',
      cores: os.cpus().length,
      memoryGiB: os.totalmem() / 2 ** 30,
    },
    settings,
    results: measured.map((entry) => ({
      ...entry,
      median: Object.fromEntries(
        (Object.keys(entry.runs[0] ?? {}) as (keyof RunResult)[]).map((key) => [
          key,
          spread(entry.runs.map((r) => r[key])).median,
        ]),
      ),
    })),
  };
}

/** results/history/<file>: the run's UTC time, sortable, without characters some file systems refuse. */
export const historyFileName = (date: string): string => `${date.replace(/[:.]/g, '-')}.json`;
