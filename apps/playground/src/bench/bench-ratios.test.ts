import { describe, expect, it } from 'vitest';
import { benchRun } from './__fixtures__/bench-run.js';
import { benchRatios } from './bench-ratios.js';

describe('benchRatios', () => {
  it('divides our median by the peer median per case and metric, in the run order', () => {
    const run = benchRun('2026-11-27T00:00:00Z', {
      'tinyllama-1.1b Q4_K': { x: [43.4, 153, 3345], peer: [28.2, 134.3, 3813] },
      'smollm2-135m F16': { x: [83.9, 650.6, 787], peer: [43.1, 330.5, 1549] },
    });
    const ratios = benchRatios(run);
    expect(ratios.map((row) => [row.case, row.peer])).toEqual([
      ['tinyllama-1.1b Q4_K', 'llama.cpp'],
      ['smollm2-135m F16', 'llama.cpp'],
    ]);
    expect(ratios[1]!.ratios.decode).toBeCloseTo(1.9466, 4);
    expect(ratios[1]!.ratios.prefill).toBeCloseTo(1.9685, 4);
    expect(ratios[1]!.ratios.ttft).toBeCloseTo(0.5081, 4);
  });

  it('leaves out a case that lacks our engine or a peer', () => {
    const run = benchRun('2026-11-27T00:00:00Z', { a: { x: [2, 2, 2], peer: [1, 1, 1] } });
    run.results.push({ case: 'only ours', engine: 'x candle-native', median: run.results[0]!.median });
    expect(benchRatios(run).map((row) => row.case)).toEqual(['a']);
  });
});
