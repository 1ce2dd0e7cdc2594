import { BenchDataError } from './bench-data-error.js';
import { escapeXml } from './escape-xml.js';
import { formatTick, niceTicks } from './nice-ticks.js';
import { chartColors, px, svgDocument } from './svg-document.js';

export interface LineSeries {
  name: string;
  /** One value per x label; undefined where this series has no point (the line breaks there). */
  values: readonly (number | undefined)[];
}

export interface LineChartOptions {
  title: string;
  subtitle?: string;
  /** The x axis, evenly spaced (such as run dates). */
  xLabels: readonly string[];
  series: readonly LineSeries[];
  unit?: string;
  reference?: { value: number; label: string };
  width?: number;
}

const left = 48;
const top = 52;
const plotHeight = 200;
const legendRow = 18;

/** One line per series over evenly spaced x labels, y from 0; every label is escaped. */
export function svgLineChart(options: LineChartOptions): string {
  const { title, subtitle, xLabels, series, unit = '', reference } = options;
  const width = options.width ?? 640;
  const values: number[] = [];
  for (const line of series) {
    if (line.values.length !== xLabels.length) {
      throw new BenchDataError(
        `series "${line.name}" of "${title}" has ${line.values.length} values for ${xLabels.length} x labels`,
      );
    }
    for (const value of line.values) {
      if (value === undefined) continue;
      if (!Number.isFinite(value) || value < 0)
        throw new BenchDataError(`series "${line.name}" of "${title}" has value ${value}; need a number ≥ 0`);
      values.push(value);
    }
  }
  const ticks = niceTicks(Math.max(0, reference?.value ?? 0, ...values));
  const axisMax = ticks.at(-1)!;
  const plotWidth = width - left - 24;
  const x = (index: number) =>
    left + (xLabels.length <= 1 ? plotWidth / 2 : (index / (xLabels.length - 1)) * plotWidth);
  const y = (value: number) => top + plotHeight - (value / axisMax) * plotHeight;
  const bottom = top + plotHeight;
  const parts: string[] = [];
  for (const tick of ticks) {
    parts.push(
      `<line x1="${left}" y1="${px(y(tick))}" x2="${left + plotWidth}" y2="${px(y(tick))}" stroke="#e4e7ec"/>`,
      `<text x="${left - 6}" y="${px(y(tick) + 4)}" text-anchor="end" fill="#667085">${formatTick(tick)}</text>`,
    );
  }
  // At most about eight x labels, always the first and the last.
  const every = Math.max(1, Math.ceil(xLabels.length / 8));
  xLabels.forEach((label, index) => {
    if (index % every !== 0 && index !== xLabels.length - 1) return;
    parts.push(
      `<text x="${px(x(index))}" y="${bottom + 16}" text-anchor="middle" fill="#667085">${escapeXml(label)}</text>`,
    );
  });
  if (reference) {
    parts.push(
      `<line x1="${left}" y1="${px(y(reference.value))}" x2="${left + plotWidth}" y2="${px(y(reference.value))}" stroke="#b42318" stroke-dasharray="4 3"/>`,
      `<text x="${left + plotWidth}" y="${px(y(reference.value) - 4)}" text-anchor="end" fill="#b42318">${escapeXml(reference.label)}</text>`,
    );
  }
  series.forEach((line, seriesIndex) => {
    const color = chartColors[seriesIndex % chartColors.length];
    const name = escapeXml(line.name);
    let path = '';
    line.values.forEach((value, index) => {
      if (value === undefined) return;
      const joined = index > 0 && line.values[index - 1] !== undefined;
      path += `${joined ? 'L' : 'M'}${px(x(index))} ${px(y(value))}`;
      parts.push(
        `<circle cx="${px(x(index))}" cy="${px(y(value))}" r="3" fill="${color}"><title>${name}, ${escapeXml(xLabels[index]!)}: ${formatTick(value)}${escapeXml(unit)}</title></circle>`,
      );
    });
    if (path) parts.push(`<path d="${path}" fill="none" stroke="${color}" stroke-width="2"/>`);
    const legendY = bottom + 36 + seriesIndex * legendRow;
    parts.push(
      `<rect x="${left}" y="${legendY - 9}" width="12" height="4" fill="${color}"/>`,
      `<text x="${left + 18}" y="${legendY - 3}" fill="#1d2430">${name}</text>`,
    );
  });
  if (xLabels.length === 0) parts.push(`<text x="${left + 8}" y="${top + 20}" fill="#667085">no data</text>`);
  parts.push(`<line x1="${left}" y1="${bottom}" x2="${left + plotWidth}" y2="${bottom}" stroke="#98a2b3"/>`);
  const height = bottom + 30 + series.length * legendRow;
  return svgDocument({ width, height, title, subtitle, body: parts.join('\n') });
}
