import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BenchDataError, ratioBarCharts, ratioHistoryCharts, readBenchRuns } from '@x/playground/bench';

export interface WriteBenchPlotsOptions {
  /** A results file or a folder of them (such as benchmarks/results/history). */
  from: string;
  /** Where the SVG files go (docs/img). */
  out: string;
}

/**
 * The docs' plots from `pnpm bench` results, drawn by the same code as the playground's /bench page:
 * bench-<metric>.svg for the latest run's ratios to the peer, and bench-history-<metric>.svg when
 * there are several runs. Any unreadable results file is an error here: docs are drawn from all of them.
 */
export function writeBenchPlots(options: WriteBenchPlotsOptions): string[] {
  const { runs, problems } = readBenchRuns(options.from);
  if (problems[0]) throw problems[0];
  const latest = runs.at(-1);
  if (!latest)
    throw new BenchDataError(`no results in ${options.from} (missing or empty; run \`pnpm bench\` first)`);
  mkdirSync(options.out, { recursive: true });
  const charts = [
    ...ratioBarCharts(latest).map((chart) => ({ name: `bench-${chart.id}.svg`, svg: chart.svg })),
    ...(runs.length > 1
      ? ratioHistoryCharts(runs).map((chart) => ({ name: `bench-history-${chart.id}.svg`, svg: chart.svg }))
      : []),
  ];
  return charts.map((chart) => {
    const file = path.join(options.out, chart.name);
    writeFileSync(file, `${chart.svg}\n`);
    return file;
  });
}
