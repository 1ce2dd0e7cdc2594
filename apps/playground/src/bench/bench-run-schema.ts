import { z } from 'zod';

const measure = z.number().finite().nonnegative();

/** The medians `pnpm bench` records per case and engine (benchmarks/src/main.ts). */
const medianSchema = z.looseObject({
  decodeTokensPerSecond: measure,
  prefillTokensPerSecond: measure,
  ttftMs: measure,
  maxRssMb: measure.optional(),
  loadMs: measure.optional(),
});

/** One `pnpm bench` run as written to benchmarks/results/latest.json and results/history/. */
export const benchRunSchema = z.looseObject({
  date: z.string().refine((date) => !Number.isNaN(Date.parse(date)), 'not a date'),
  machine: z.looseObject({ cpu: z.string(), cores: z.number(), memoryGiB: z.number() }),
  settings: z.looseObject({
    threads: z.number(),
    prompt: z.number(),
    gen: z.number(),
    runs: z.number(),
  }),
  /** Where numbers were not written by `pnpm bench` itself (say, transcribed from a table). */
  note: z.string().optional(),
  results: z
    .array(z.looseObject({ case: z.string().min(1), engine: z.string().min(1), median: medianSchema }))
    .min(1),
});

export type BenchRun = z.output<typeof benchRunSchema>;
export type BenchMedian = z.output<typeof medianSchema>;
