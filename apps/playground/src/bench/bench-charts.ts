import { type BenchMetric, benchMetrics, benchRatios } from './bench-ratios.js';
import type { BenchRun } from './bench-run-schema.js';
import { svgBarChart } from './svg-bar-chart.js';
import { svgLineChart } from './svg-line-chart.js';

export interface BenchChart {
  /** decode, prefill or ttft: names the docs' files (bench-<id>.svg). */
  id: BenchMetric['id'];
  svg: string;
}

const better = (metric: BenchMetric) =>
  metric.better === 'higher' ? 'above 1 = x faster' : 'below 1 = x faster';

/** "2026-11-27 14:05" in UTC, the x labels of history charts. */
export const runLabel = (run: BenchRun) => new Date(run.date).toISOString().slice(0, 16).replace('T', ' ');

const describeRun = (run: BenchRun) =>
  `${runLabel(run)} UTC · ${run.machine.cpu}, ${run.settings.threads} threads · median of ${run.settings.runs}`;

/** One bar chart per metric: each case's ratio of our median to the peer's in that run. */
export function ratioBarCharts(run: BenchRun): BenchChart[] {
  const ratios = benchRatios(run);
  const peer = ratios[0]?.peer ?? 'peer';
  return benchMetrics.map((metric) => ({
    id: metric.id,
    svg: svgBarChart({
      title: `${metric.title}: x / ${peer} (${better(metric)})`,
      subtitle: describeRun(run),
      bars: ratios.map((row) => ({ label: row.case, value: row.ratios[metric.id] })),
      unit: '×',
      reference: { value: 1, label: `= ${peer}` },
    }),
  }));
}

/** One line chart per metric over all runs, a line per case: how the ratio to the peer moved. */
export function ratioHistoryCharts(runs: readonly BenchRun[]): BenchChart[] {
  const perRun = runs.map((run) => new Map(benchRatios(run).map((row) => [row.case, row])));
  const cases = [...new Set(perRun.flatMap((rows) => [...rows.keys()]))];
  const peers = [...new Set(perRun.flatMap((rows) => [...rows.values()].map((row) => row.peer)))];
  const peer = peers.join(', ') || 'peer';
  return benchMetrics.map((metric) => ({
    id: metric.id,
    svg: svgLineChart({
      title: `${metric.title}: x / ${peer} over ${runs.length} run${runs.length === 1 ? '' : 's'} (${better(metric)})`,
      subtitle: 'each point is one `pnpm bench` run: the ratio of medians measured in that run',
      xLabels: runs.map(runLabel),
      series: cases.map((name) => ({
        name,
        values: perRun.map((rows) => rows.get(name)?.ratios[metric.id]),
      })),
      unit: '×',
      reference: { value: 1, label: `= ${peer}` },
      width: 760,
    }),
  }));
}
