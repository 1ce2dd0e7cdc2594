import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BenchDataError } from '@x/playground/bench';
import { describe, expect, it } from 'vitest';
import { benchResultsJson } from '../bench-results-json.ts';
import { sampleCost as cost, sampleLimits as limits } from '../limits/sample-limits.ts';
import { writeBenchPlots } from './write-bench-plots.ts';

const result = (decode: number) => ({
  loadMs: 10,
  ttftMs: 1000 / decode,
  prefillTokensPerSecond: decode * 8,
  decodeTokensPerSecond: decode,
  maxRssMb: 300,
});
const runOn = (day: number, ours: number) =>
  benchResultsJson(
    [
      { case: 'smollm2-135m Q8_0', engine: 'x candle-native', runs: [result(ours)], cost },
      { case: 'smollm2-135m Q8_0', engine: 'llama.cpp', runs: [result(50)], cost },
    ],
    { threads: 2, prompt: 512, gen: 64, runs: 1 },
    limits,
    new Date(Date.UTC(2026, 10, day)),
  );

function resultsFolder(runs: unknown[]): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'x-plots-'));
  for (const [index, run] of runs.entries())
    writeFileSync(path.join(dir, `${index}.json`), JSON.stringify(run));
  return dir;
}

describe('writeBenchPlots', () => {
  it('writes the latest run as ratio bars, one SVG per metric', () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'x-plots-out-'));
    const files = writeBenchPlots({ from: resultsFolder([runOn(27, 125)]), out });
    expect(files.map((file) => path.basename(file))).toEqual([
      'bench-decode.svg',
      'bench-prefill.svg',
      'bench-ttft.svg',
    ]);
    const decode = readFileSync(path.join(out, 'bench-decode.svg'), 'utf8');
    expect(decode).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(decode).toContain('>2.5×</text>');
    expect(readFileSync(path.join(out, 'bench-ttft.svg'), 'utf8')).toContain('>0.4×</text>');
  });

  it('adds history lines when there are several runs', () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'x-plots-out-'));
    writeBenchPlots({ from: resultsFolder([runOn(20, 100), runOn(27, 125)]), out });
    expect(readdirSync(out).sort()).toEqual([
      'bench-decode.svg',
      'bench-history-decode.svg',
      'bench-history-prefill.svg',
      'bench-history-ttft.svg',
      'bench-prefill.svg',
      'bench-ttft.svg',
    ]);
    expect(readFileSync(path.join(out, 'bench-history-decode.svg'), 'utf8')).toContain('over 2 runs');
  });

  it('refuses to draw from no results or from a bad file', () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'x-plots-out-'));
    expect(() => writeBenchPlots({ from: resultsFolder([]), out })).toThrow(
      /no results in .* \(missing or empty; run `pnpm bench` first\)/,
    );
    expect(() => writeBenchPlots({ from: resultsFolder([runOn(27, 125), { date: 'x' }]), out })).toThrow(
      BenchDataError,
    );
  });
});
