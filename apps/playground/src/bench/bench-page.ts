import { favicon } from '../web/web-page.js';
import { type BenchChart, ratioBarCharts, ratioHistoryCharts, runLabel } from './bench-charts.js';
import { BenchDataError } from './bench-data-error.js';
import { escapeXml } from './escape-xml.js';
import type { BenchRuns } from './read-bench-runs.js';

const style = `
:root { font-family: system-ui, sans-serif; color: #1d2430; background: #f6f7f9; }
body { margin: 0 auto; max-width: 1400px; padding: 1rem 1.5rem; }
h1 { font-size: 1.3rem; margin: 0 0 0.25rem; }
h2 { font-size: 1.05rem; margin: 1.5rem 0 0.5rem; }
.muted { color: #667085; font-size: 0.85rem; }
.charts { display: flex; flex-wrap: wrap; gap: 1rem; }
.charts svg { border: 1px solid #d8dde5; border-radius: 8px; max-width: 100%; height: auto; }
.error { color: #b42318; white-space: pre-wrap; }
table { border-collapse: collapse; font-size: 0.85rem; background: #fff; }
th, td { border: 1px solid #d8dde5; padding: 0.3rem 0.6rem; text-align: left; }
code { font-family: ui-monospace, monospace; }
`;

// A chart that cannot be drawn (a zero median gives an infinite ratio) is reported, not a failed page.
function drawCharts(draw: () => BenchChart[], problems: string[]): string {
  try {
    return `<div class="charts">${draw()
      .map((chart) => `<figure id="chart-${chart.id}" style="margin:0">${chart.svg}</figure>`)
      .join('')}</div>`;
  } catch (error) {
    if (!BenchDataError.isInstance(error)) throw error;
    problems.push(error.message);
    return '';
  }
}

/**
 * The benchmark history page: the latest run's ratios to the peer as bars, every run's ratios as
 * lines, and the list of runs. Server-rendered SVG, no script.
 */
export function benchPage(history: BenchRuns, source: string): string {
  const { runs } = history;
  const problems = history.problems.map((problem) => problem.message);
  const latest = runs.at(-1);
  const body = latest
    ? [
        `<h2>Latest run (${escapeXml(runLabel(latest))} UTC, ${escapeXml(latest.file)})</h2>`,
        latest.note ? `<p class="muted">${escapeXml(latest.note)}</p>` : '',
        drawCharts(() => ratioBarCharts(latest), problems),
        '<h2>History</h2>',
        drawCharts(() => ratioHistoryCharts(runs), problems),
        '<h2>Runs</h2>',
        '<table><thead><tr><th>date (UTC)</th><th>file</th><th>machine</th><th>threads</th><th>prompt</th><th>generated</th><th>runs</th><th>cases</th></tr></thead><tbody>',
        ...runs.map(
          (run) =>
            `<tr><td>${escapeXml(runLabel(run))}</td><td><code>${escapeXml(run.file)}</code></td><td>${escapeXml(
              `${run.machine.cpu}, ${run.machine.cores} cores`,
            )}</td><td>${run.settings.threads}</td><td>${run.settings.prompt}</td><td>${run.settings.gen}</td><td>${
              run.settings.runs
            }</td><td>${new Set(run.results.map((result) => result.case)).size}</td></tr>`,
        ),
        '</tbody></table>',
      ]
    : [
        `<p id="no-runs">No benchmark results in <code>${escapeXml(source)}</code> yet. ` +
          'Each <code>pnpm bench</code> adds one file there.</p>',
      ];
  const problemList = problems.length
    ? `<h2>Skipped</h2><ul id="problems">${problems.map((problem) => `<li class="error">${escapeXml(problem)}</li>`).join('')}</ul>`
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>x benchmarks</title>
<link rel="icon" href="${favicon}">
<style>${style}</style>
</head>
<body>
<h1>x benchmarks</h1>
<p class="muted">x's native engine against its peer, from <code>${escapeXml(source)}</code> · <a href="/">playground</a></p>
${body.filter(Boolean).join('\n')}
${problemList}
</body>
</html>
`;
}
