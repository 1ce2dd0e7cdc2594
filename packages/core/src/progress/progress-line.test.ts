import { describe, expect, it } from 'vitest';
import { eta } from './eta.js';
import { formatBytes } from './format-bytes.js';
import { formatDuration } from './format-duration.js';
import { progressLine } from './progress-line.js';

describe('progressLine', () => {
  it('puts the label, a bar filled in proportion and the stats on one line of the given width', () => {
    const line = progressLine({ done: 1, total: 4, label: 'model.gguf', stats: '25%  ETA 0:03' }, 60);
    expect(line).toMatch(/^model\.gguf (█+)(░+) 25% {2}ETA 0:03$/);
    const [, filled = '', empty = ''] = line.match(/(█+)(░+)/) ?? [];
    expect(filled.length).toBe(Math.round((filled.length + empty.length) / 4));
    expect(line.length).toBeLessThanOrEqual(60);
  });

  it('shows done/total when no stats are given, and a full bar at the end or for an empty total', () => {
    expect(progressLine({ done: 3, total: 3 }, 40)).toMatch(/^█+ 3\/3$/);
    expect(progressLine({ done: 0, total: 0 }, 40)).not.toContain('░');
  });

  it('shortens a long label from the left and keeps the stats whole', () => {
    const label = `${'very/long/folder/'.repeat(8)}model-q8_0.gguf`;
    const line = progressLine({ done: 5, total: 10, label, stats: '50%  5.0 MB / 10.0 MB' }, 80);
    expect(line.length).toBeLessThanOrEqual(80);
    expect(line).toMatch(/^….*model-q8_0\.gguf █+░+ 50% {2}5\.0 MB \/ 10\.0 MB$/);
  });

  it('formats sizes, durations and an ETA', () => {
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1_234_567_890)).toBe('1.2 GB');
    expect(formatDuration(3725)).toBe('1:02:05');
    expect(formatDuration(4.2)).toBe('0:05');
    expect(eta(0, 10, 0, 5000)).toBe('ETA --:--');
    expect(eta(5, 20, 0, 10_000)).toBe('ETA 0:30');
  });
});
