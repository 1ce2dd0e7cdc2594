export { type BenchChart, ratioBarCharts, ratioHistoryCharts, runLabel } from './bench-charts.js';
export { BenchDataError } from './bench-data-error.js';
export { benchPage } from './bench-page.js';
export { type BenchMetric, benchMetrics, benchRatios, type CaseRatio, ourEngine } from './bench-ratios.js';
export { type BenchMedian, type BenchRun, benchRunSchema } from './bench-run-schema.js';
export { escapeXml } from './escape-xml.js';
export { type BenchRunFile, type BenchRuns, parseBenchRun, readBenchRuns } from './read-bench-runs.js';
export { type Bar, type BarChartOptions, svgBarChart } from './svg-bar-chart.js';
export { type LineChartOptions, type LineSeries, svgLineChart } from './svg-line-chart.js';
