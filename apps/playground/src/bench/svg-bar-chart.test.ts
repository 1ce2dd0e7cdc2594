import { describe, expect, it } from 'vitest';
import { BenchDataError } from './bench-data-error.js';
import { svgBarChart } from './svg-bar-chart.js';

const widths = (svg: string) =>
  [...svg.matchAll(/<rect x="180" y="\d+" width="([\d.]+)" height="20"/g)].map((match) => Number(match[1]));
const texts = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((match) => match[1]);

describe('svgBarChart', () => {
  const svg = svgBarChart({
    title: 'Decode tok/s: x / llama.cpp',
    subtitle: 'higher is better',
    bars: [
      { label: 'smollm2-135m F16', value: 1.95 },
      { label: 'smollm2-135m Q4_K', value: 2.75 },
      { label: 'qwen2.5-0.5b Q8_0', value: 1.375 },
    ],
    unit: '×',
    reference: { value: 1, label: '= llama.cpp' },
  });

  it('is one standalone SVG document with the title as its accessible name', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" width="640" height="')).toBe(true);
    expect(svg.endsWith('</svg>')).toBe(true);
    expect(svg).toContain('aria-label="Decode tok/s: x / llama.cpp"');
    expect(texts(svg).slice(0, 2)).toEqual(['Decode tok/s: x / llama.cpp', 'higher is better']);
  });

  it('draws one bar per value, lengths proportional to the values on an axis from 0 to 3', () => {
    // Plot width 640 - 180 - 56 = 404 px for the axis 0..3.
    expect(widths(svg)).toEqual([262.6, 370.3, 185.2]);
    expect(texts(svg)).toEqual(expect.arrayContaining(['0', '1', '2', '3']));
    expect(texts(svg)).toEqual(expect.arrayContaining(['1.95×', '2.75×', '1.38×']));
    expect(texts(svg)).toEqual(
      expect.arrayContaining(['smollm2-135m F16', 'smollm2-135m Q4_K', 'qwen2.5-0.5b Q8_0']),
    );
  });

  it('draws the reference rule at its value', () => {
    // x(1) = 180 + 404 / 3
    expect(svg).toContain('<line x1="314.7" y1="58" x2="314.7"');
    expect(svg).toContain('<text x="318.7" y="56" fill="#b42318">= llama.cpp</text>');
    // Near the right edge, the label sits left of the rule.
    const edge = svgBarChart({
      title: 't',
      bars: [{ label: 'a', value: 0.5 }],
      reference: { value: 1, label: 'r' },
    });
    expect(edge).toContain('<text x="580" text-anchor="end" y="56" fill="#b42318">r</text>');
  });

  it('escapes labels, titles and units', () => {
    const hostile = svgBarChart({
      title: 'a <b> & "c"',
      bars: [{ label: '<script>alert(1)</script>', value: 1 }],
      unit: '<u>',
    });
    expect(hostile).not.toContain('<script>');
    expect(hostile).not.toContain('<b>');
    expect(hostile).not.toContain('<u>');
    expect(hostile).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(hostile).toContain('aria-label="a &lt;b&gt; &amp; &quot;c&quot;"');
    expect(hostile).toContain('1&lt;u&gt;</text>');
  });

  it('says "no data" for no bars, and refuses a bar it cannot draw', () => {
    expect(texts(svgBarChart({ title: 't', bars: [] }))).toContain('no data');
    expect(() => svgBarChart({ title: 't', bars: [{ label: 'x', value: Number.NaN }] })).toThrow(
      BenchDataError,
    );
    expect(() => svgBarChart({ title: 't', bars: [{ label: 'slow', value: -1 }] })).toThrow(
      /bar "slow" of "t" has value -1/,
    );
  });
});
