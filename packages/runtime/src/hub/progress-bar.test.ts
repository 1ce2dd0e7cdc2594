import { describe, expect, it } from 'vitest';
import { createProgressBar, downloadStats } from './progress-bar.js';

describe('download progress bar', () => {
  it('shows percent, bytes, rate and ETA', () => {
    expect(downloadStats({ received: 5_000_000, total: 20_000_000 }, 1_000_000)).toBe(
      ' 25%  5.0 MB / 20.0 MB  1.0 MB/s  ETA 0:15',
    );
    expect(downloadStats({ received: 0, total: 10 }, 0)).toMatch(/ETA --:--$/);
  });

  it('draws nothing when the stream is not a terminal', () => {
    expect(createProgressBar({ isTTY: false, write: () => true })).toBeUndefined();
  });

  it('redraws one line at most ten times a second and ends it when done', () => {
    const writes: string[] = [];
    let time = 0;
    const bar = createProgressBar(
      { isTTY: true, columns: 80, write: (text) => writes.push(text) },
      () => time,
    )!;
    bar({ file: 'f', received: 10, total: 100, resumed: 0 });
    time = 50;
    bar({ file: 'f', received: 20, total: 100, resumed: 0 });
    time = 1000;
    bar({ file: 'f', received: 100, total: 100, resumed: 0 });
    expect(writes).toHaveLength(3);
    expect(writes[0]).toMatch(/^\r\x1b\[2Kf █+░+ {2}10% {2}10 B \/ 100 B/);
    expect(writes[1]).toMatch(/^\r\x1b\[2Kf █+ 100%.*100 B\/s {2}ETA 0:00$/);
    expect(writes[2]).toBe('\n');
    expect(writes[1]!.length - 5).toBeLessThanOrEqual(80);
  });
});
