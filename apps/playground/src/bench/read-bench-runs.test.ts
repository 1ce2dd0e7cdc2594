import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { benchRun } from './__fixtures__/bench-run.js';
import { BenchDataError } from './bench-data-error.js';
import { parseBenchRun, readBenchRuns } from './read-bench-runs.js';

const one = { 'smollm2-135m Q8_0': { x: [135, 950, 540], peer: [55, 775, 660] } } as const;

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'x-bench-runs-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

describe('readBenchRuns', () => {
  it('reads every JSON file of a folder (not its subfolders), oldest run first, and reports the bad ones by name', () => {
    const dir = folder({
      'b.json': JSON.stringify(benchRun('2026-11-01T10:00:00.000Z', one)),
      'a.json': JSON.stringify(benchRun('2026-11-27T09:30:00.000Z', one)),
      'broken.json': '{"date": ',
      'no-results.json': JSON.stringify({ ...benchRun('2026-11-02T00:00:00Z', one), results: [] }),
      'notes.md': 'not a results file',
    });
    mkdirSync(path.join(dir, 'sub.json'));
    const { runs, problems } = readBenchRuns(dir);
    expect(runs.map((run) => [run.file, run.date])).toEqual([
      ['b.json', '2026-11-01T10:00:00.000Z'],
      ['a.json', '2026-11-27T09:30:00.000Z'],
    ]);
    expect(problems.map((problem) => problem.message)).toEqual([
      expect.stringMatching(/broken\.json: not JSON/),
      expect.stringMatching(/no-results\.json: results: .*>=1/),
    ]);
    expect(problems.every((problem) => BenchDataError.isInstance(problem))).toBe(true);
  });

  it('reads one file when given a file, and an empty history for a folder that does not exist yet', () => {
    const dir = folder({ 'latest.json': JSON.stringify(benchRun('2026-11-27T09:30:00Z', one)) });
    expect(readBenchRuns(path.join(dir, 'latest.json')).runs).toHaveLength(1);
    expect(readBenchRuns(path.join(dir, 'missing'))).toEqual({ runs: [], problems: [] });
  });
});

describe('parseBenchRun', () => {
  it('names the file and the first bad field', () => {
    const run = benchRun('2026-11-27T09:30:00Z', one);
    const bad = {
      ...run,
      results: [{ ...run.results[0], median: { ...run.results[0]!.median, ttftMs: -3 } }],
    };
    expect(() => parseBenchRun(JSON.stringify(bad), '/x/run.json')).toThrow(
      /^\/x\/run\.json: results\.0\.median\.ttftMs: /,
    );
    expect(() => parseBenchRun(JSON.stringify({ ...run, date: 'yesterday' }), 'run.json')).toThrow(
      'run.json: date: not a date',
    );
  });
});
