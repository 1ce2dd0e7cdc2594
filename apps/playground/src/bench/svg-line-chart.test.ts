import { describe, expect, it } from 'vitest';
import { BenchDataError } from './bench-data-error.js';
import { svgLineChart } from './svg-line-chart.js';

const texts = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((match) => match[1]);
const paths = (svg: string) => [...svg.matchAll(/<path d="([^"]+)"/g)].map((match) => match[1]);

describe('svgLineChart', () => {
  const svg = svgLineChart({
    title: 'Decode over runs',
    xLabels: ['2026-11-01', '2026-11-02', '2026-11-03'],
    series: [
      { name: 'case A', values: [1, 2, 4] },
      { name: 'case B', values: [2, undefined, 3] },
    ],
    unit: '×',
    reference: { value: 1, label: '= peer' },
  });

  it('puts the points on a y axis from 0 and spreads the runs evenly across the width', () => {
    // Plot: x from 48 to 616 (640 - 48 - 24 wide), y from 252 (value 0) up 200 px to 52 (value 4).
    expect(paths(svg)[0]).toBe('M48 202L332 152L616 52');
    expect(texts(svg)).toEqual(expect.arrayContaining(['0', '1', '2', '3', '4']));
    expect(texts(svg)).toEqual(expect.arrayContaining(['2026-11-01', '2026-11-02', '2026-11-03']));
  });

  it('breaks a line where a series has no point, and names each series in the legend', () => {
    expect(paths(svg)[1]).toBe('M48 152M616 102');
    expect(svg.match(/<circle /g)).toHaveLength(5);
    expect(texts(svg)).toEqual(expect.arrayContaining(['case A', 'case B', '= peer']));
    expect(svg).toContain('<title>case B, 2026-11-03: 3×</title>');
  });

  it('escapes series names and x labels', () => {
    const hostile = svgLineChart({
      title: 't',
      xLabels: ['<i>'],
      series: [{ name: '"><script>', values: [1] }],
    });
    expect(hostile).not.toMatch(/<script>|<i>/);
    expect(hostile).toContain('&quot;&gt;&lt;script&gt;');
  });

  it('refuses values that do not line up with the x labels or are not numbers', () => {
    expect(() =>
      svgLineChart({ title: 't', xLabels: ['a'], series: [{ name: 's', values: [1, 2] }] }),
    ).toThrow(/series "s" of "t" has 2 values for 1 x labels/);
    expect(() =>
      svgLineChart({
        title: 't',
        xLabels: ['a'],
        series: [{ name: 's', values: [Number.POSITIVE_INFINITY] }],
      }),
    ).toThrow(BenchDataError);
  });
});
