import { describe, expect, it } from 'vitest';
import { benchRun } from './__fixtures__/bench-run.js';
import { BenchDataError } from './bench-data-error.js';
import { benchPage } from './bench-page.js';

const cases = {
  'smollm2-135m F16': { x: [84, 650, 787], peer: [43, 330, 1549] },
  'qwen2.5-0.5b <Q8_0>': { x: [50, 392, 1304], peer: [36, 267, 1918] },
} as const;
const runs = [
  { ...benchRun('2026-11-20T08:00:00Z', cases), file: 'first.json' },
  { ...benchRun('2026-11-27T09:30:00Z', cases), file: 'second.json', note: 'a quiet machine' },
];

describe('benchPage', () => {
  it('plots the latest run as bars and every run as lines, and lists the runs', () => {
    const html = benchPage({ runs, problems: [] }, '/r/history');
    expect(html.match(/<svg /g)).toHaveLength(6);
    expect([...html.matchAll(/<figure id="(chart-\w+)"/g)].map((match) => match[1])).toEqual([
      'chart-decode',
      'chart-prefill',
      'chart-ttft',
      'chart-decode',
      'chart-prefill',
      'chart-ttft',
    ]);
    expect(html).toContain('Latest run (2026-11-27 09:30 UTC, second.json)');
    expect(html).toContain('a quiet machine');
    expect(html).toContain('Decode tok/s: x / llama.cpp over 2 runs');
    expect(html.match(/<tr><td>2026-11-2\d/g)).toHaveLength(2);
    expect(html).toContain('qwen2.5-0.5b &lt;Q8_0&gt;');
    expect(html).not.toContain('<Q8_0>');
    expect(html).not.toContain('<script');
  });

  it('says where results will appear when there are none, and lists unreadable files', () => {
    const html = benchPage(
      { runs: [], problems: [new BenchDataError('not JSON', { file: 'bad.json' })] },
      '/r/<h>',
    );
    expect(html).toContain('No benchmark results in <code>/r/&lt;h&gt;</code> yet');
    expect(html).toContain('<li class="error">bad.json: not JSON</li>');
    expect(html).not.toContain('<svg');
  });

  it('reports a chart it cannot draw instead of failing the page', () => {
    const zero = {
      ...benchRun('2026-11-27T09:30:00Z', { a: { x: [1, 1, 1], peer: [0, 1, 1] } }),
      file: 'z.json',
    };
    const html = benchPage({ runs: [zero], problems: [] }, '/r');
    expect(html).toContain('bar &quot;a&quot; of &quot;Decode tok/s: x / llama.cpp');
    expect(html).toContain('has value Infinity');
  });
});
