import type { BenchRun } from '../bench-run-schema.js';

type Medians = readonly [decode: number, prefill: number, ttftMs: number];

/** A results file as `pnpm bench` writes it, with the given medians per case for x and llama.cpp. */
export function benchRun(date: string, cases: Record<string, { x: Medians; peer: Medians }>): BenchRun {
  const median = ([decode, prefill, ttftMs]: Medians) => ({
    decodeTokensPerSecond: decode,
    prefillTokensPerSecond: prefill,
    ttftMs,
    maxRssMb: 100,
    loadMs: 10,
  });
  return {
    date,
    machine: { cpu: 'Test CPU', cores: 2, memoryGiB: 8 },
    settings: { threads: 2, prompt: 512, gen: 64, runs: 3 },
    results: Object.entries(cases).flatMap(([name, { x, peer }]) => [
      { case: name, engine: 'x candle-native', median: median(x) },
      { case: name, engine: 'llama.cpp', median: median(peer) },
    ]),
  };
}
