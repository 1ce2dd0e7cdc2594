import { describe, expect, it } from 'vitest';
import { ProgressBar, type ProgressStream } from './progress-bar.js';

function fakeTerminal(isTTY = true, columns = 60) {
  const writes: string[] = [];
  const stream: ProgressStream = { isTTY, columns, write: (text: string) => writes.push(text) };
  return { stream, writes };
}

describe('ProgressBar', () => {
  it('redraws one line in place at most once per interval, then draws the last frame and ends the line', () => {
    const { stream, writes } = fakeTerminal();
    let time = 0;
    const bar = new ProgressBar({ stream, intervalMs: 100, now: () => time });
    expect(bar.active).toBe(true);
    bar.update({ done: 1, total: 10 });
    time = 50;
    bar.update({ done: 2, total: 10 });
    time = 99;
    bar.update({ done: 3, total: 10 });
    time = 150;
    bar.update({ done: 4, total: 10 });
    time = 160;
    bar.update({ done: 5, total: 10 });
    bar.finish();
    expect(writes.map((text) => text.match(/ (\d+)\/10$/)?.[1] ?? text)).toEqual(['1', '4', '5', '\n']);
    for (const text of writes.slice(0, 3)) {
      expect(text.startsWith('\r\x1b[2K')).toBe(true);
      expect(text.length - 5).toBeLessThanOrEqual(60);
    }
  });

  it('draws a finished count at once, even inside the interval', () => {
    const { stream, writes } = fakeTerminal();
    const bar = new ProgressBar({ stream, now: () => 0 });
    bar.update({ done: 1, total: 2, label: 'a' });
    bar.update({ done: 2, total: 2, label: 'a' });
    bar.finish();
    expect(writes).toHaveLength(3);
    expect(writes[1]).toMatch(/^\r\x1b\[2Ka █+ 2\/2$/);
    expect(writes[2]).toBe('\n');
  });

  it('writes nothing to a stream that is not a terminal, or when given none', () => {
    const { stream, writes } = fakeTerminal(false);
    for (const bar of [new ProgressBar({ stream }), new ProgressBar({ stream: null })]) {
      expect(bar.active).toBe(false);
      bar.update({ done: 1, total: 2 });
      bar.finish({ done: 2, total: 2 });
    }
    expect(writes).toEqual([]);
  });

  it('ends no line it never started', () => {
    const { stream, writes } = fakeTerminal();
    new ProgressBar({ stream }).finish();
    expect(writes).toEqual([]);
  });
});
