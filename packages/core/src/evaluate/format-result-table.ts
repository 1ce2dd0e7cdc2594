type Values = Record<string, unknown>;

/**
 * A plain-text table of result records, one row per record and one column per key, each cell cut
 * to 25 words as DSPy's `truncate_cell` cuts it (and to one line). `maxRows` keeps the first rows.
 */
export function formatResultTable(records: readonly Values[], maxRows = Number.POSITIVE_INFINITY): string {
  const shown = records.slice(0, maxRows);
  const columns = [...new Set(shown.flatMap((record) => Object.keys(record)))];
  const cells = shown.map((record) => columns.map((column) => cellText(record[column])));
  const widths = columns.map((column, index) =>
    Math.max(column.length, ...cells.map((row) => (row[index] ?? '').length)),
  );
  const line = (values: readonly string[]) =>
    `| ${values.map((value, index) => value.padEnd(widths[index] ?? 0)).join(' | ')} |`;
  const rule = `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`;
  const more = records.length > shown.length ? [`... ${records.length - shown.length} more rows`] : [];
  return [line(columns), rule, ...cells.map(line), ...more].join('\n');
}

function cellText(value: unknown): string {
  if (value === undefined) return '';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  const words = text.split(/\s+/).filter(Boolean);
  return words.length > 25 ? `${words.slice(0, 25).join(' ')}...` : words.join(' ');
}
