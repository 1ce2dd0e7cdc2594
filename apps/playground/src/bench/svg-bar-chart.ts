import { BenchDataError } from './bench-data-error.js';
import { escapeXml } from './escape-xml.js';
import { formatTick, niceTicks } from './nice-ticks.js';
import { chartColors, px, svgDocument } from './svg-document.js';

export interface Bar {
  label: string;
  value: number;
}

export interface BarChartOptions {
  title: string;
  /** A caption under the title, such as "higher is better". */
  subtitle?: string;
  bars: readonly Bar[];
  /** Appended to each value label, such as "×". */
  unit?: string;
  /** A dashed rule across the bars, such as 1 for "as fast as the peer". */
  reference?: { value: number; label: string };
  width?: number;
}

const labelWidth = 180;
const top = 64;
const barHeight = 20;
const gap = 8;
const axisHeight = 24;

/** Horizontal bars, one per label, on an axis that starts at 0; every label is escaped. */
export function svgBarChart(options: BarChartOptions): string {
  const { title, subtitle, bars, unit = '', reference } = options;
  const width = options.width ?? 640;
  for (const bar of bars) {
    if (!Number.isFinite(bar.value) || bar.value < 0) {
      throw new BenchDataError(
        `bar "${bar.label}" of "${title}" has value ${bar.value}; bars need a number ≥ 0`,
      );
    }
  }
  const ticks = niceTicks(Math.max(0, reference?.value ?? 0, ...bars.map((bar) => bar.value)));
  const axisMax = ticks.at(-1)!;
  const plotWidth = width - labelWidth - 56;
  const x = (value: number) => labelWidth + (value / axisMax) * plotWidth;
  const plotBottom = top + Math.max(1, bars.length) * (barHeight + gap);
  const height = plotBottom + axisHeight;
  const parts: string[] = [];
  for (const tick of ticks) {
    parts.push(
      `<line x1="${px(x(tick))}" y1="${top - 4}" x2="${px(x(tick))}" y2="${plotBottom}" stroke="#e4e7ec"/>`,
      `<text x="${px(x(tick))}" y="${plotBottom + 16}" text-anchor="middle" fill="#667085">${formatTick(tick)}</text>`,
    );
  }
  bars.forEach((bar, index) => {
    const y = top + index * (barHeight + gap);
    const label = escapeXml(bar.label);
    const value = `${formatTick(bar.value)}${escapeXml(unit)}`;
    parts.push(
      `<text x="${labelWidth - 8}" y="${px(y + barHeight / 2 + 4)}" text-anchor="end" fill="#1d2430">${label}</text>`,
      `<rect x="${labelWidth}" y="${y}" width="${px(x(bar.value) - labelWidth)}" height="${barHeight}" fill="${chartColors[0]}"><title>${label}: ${value}</title></rect>`,
      `<text x="${px(x(bar.value) + 4)}" y="${px(y + barHeight / 2 + 4)}" fill="#1d2430">${value}</text>`,
    );
  });
  if (bars.length === 0) parts.push(`<text x="${labelWidth}" y="${top + 14}" fill="#667085">no data</text>`);
  if (reference) {
    const at = x(reference.value);
    // Near the right edge the label goes to the left of its rule, so that it is not cut off.
    const anchor =
      at > labelWidth + plotWidth * 0.75 ? `x="${px(at - 4)}" text-anchor="end"` : `x="${px(at + 4)}"`;
    parts.push(
      `<line x1="${px(at)}" y1="${top - 6}" x2="${px(at)}" y2="${plotBottom}" stroke="#b42318" stroke-dasharray="4 3"/>`,
      `<text ${anchor} y="${top - 8}" fill="#b42318">${escapeXml(reference.label)}</text>`,
    );
  }
  parts.push(
    `<line x1="${labelWidth}" y1="${top - 4}" x2="${labelWidth}" y2="${plotBottom}" stroke="#98a2b3"/>`,
  );
  return svgDocument({ width, height, title, subtitle, body: parts.join('\n') });
}
