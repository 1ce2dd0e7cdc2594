import { describe, expect, it } from 'vitest';
import { createProgressBar, formatBytes, formatDuration, formatProgressLine } from './progress-bar.js';

describe('progress bar', () => {
  it('shows bytes, percent, rate and ETA', () => {
    const line = formatProgressLine(
      { label: 'model.gguf', received: 5_000_000, total: 20_000_000, rate: 1_000_000 },
      100,
    );
    expect(line).toMatch(/^model\.gguf \[#+-+\] {2}25% {2}5\.0 MB \/ 20\.0 MB {2}1\.0 MB\/s {2}ETA 0:15$/);
    expect(line.length).toBeLessThanOrEqual(100);
  });

  it('formats sizes and durations', () => {
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1_234_567_890)).toBe('1.2 GB');
    expect(formatDuration(3725)).toBe('1:02:05');
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
    expect(writes).toHaveLength(2);
    expect(writes[0]).toMatch(/^\r\x1b\[2K/);
    expect(writes[1]).toMatch(/100%.*100 B\/s.*\n$/);
  });
});
