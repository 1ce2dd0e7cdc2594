import { benchRunSchema } from '@x/playground/bench';
import { describe, expect, it } from 'vitest';
import { benchResultsJson, historyFileName } from './bench-results-json.ts';
import { sampleCost as cost, sampleLimits as limits } from './limits/sample-limits.ts';

const run = (decode: number, ttftMs: number) => ({
  loadMs: 10,
  ttftMs,
  prefillTokensPerSecond: 500,
  decodeTokensPerSecond: decode,
  maxRssMb: 300,
});

describe('the results JSON of pnpm bench', () => {
  const json = benchResultsJson(
    [
      {
        case: 'smollm2-135m Q8_0',
        engine: 'x candle-native',
        runs: [run(130, 540), run(150, 520), run(129, 700)],
        cost,
      },
      {
        case: 'smollm2-135m Q8_0',
        engine: 'llama.cpp',
        runs: [run(55, 660), run(51, 659), run(57, 684)],
        cost,
      },
    ],
    { threads: 2, prompt: 512, gen: 64, runs: 3 },
    limits,
    new Date('2026-11-27T09:30:05.123Z'),
  );

  it('keeps every run, the median of each measure and its shares of the limits', () => {
    expect(json.results[0]!.median).toEqual({
      loadMs: 10,
      ttftMs: 540,
      prefillTokensPerSecond: 500,
      decodeTokensPerSecond: 130,
      maxRssMb: 300,
      decodeShareOfBandwidth: (130 * 140e6) / 50e9,
      prefillShareOfInt8Peak: (500 * 100e6) / 400e9,
      prefillShareOfArithmeticPeak: (500 * 100e6) / 400e9,
    });
    expect(json.results[0]!.cost).toEqual(cost);
    expect(json.results[1]!.runs).toHaveLength(3);
  });

  it('is what the /bench page and the docs plots read', () => {
    const parsed = benchRunSchema.parse(json);
    expect(parsed.date).toBe('2026-11-27T09:30:05.123Z');
    expect(parsed.machine).toMatchObject(limits);
    expect(parsed.results.map((result) => result.engine)).toEqual(['x candle-native', 'llama.cpp']);
  });

  it('names history files by the run time, sortable and without colons', () => {
    expect(historyFileName(json.date)).toBe('2026-11-27T09-30-05-123Z.json');
  });
});
