/** What one progress line shows: `label [█████░░░░░] stats`. */
export interface ProgressLineParts {
  done: number;
  total: number;
  /** Left of the bar: a file name, or a running score. Shortened from the left when room is short. */
  label?: string;
  /** Right of the bar: counts, percent, rate, ETA. Never shortened. */
  stats?: string;
}

/** One progress line fitted to `columns`; the bar takes the room left, between 10 and 40 cells. */
export function progressLine(parts: ProgressLineParts, columns = 80): string {
  const fraction = parts.total > 0 ? Math.min(1, Math.max(0, parts.done / parts.total)) : 1;
  const stats = parts.stats ?? `${parts.done}/${parts.total}`;
  let label = parts.label ?? '';
  const room = columns - stats.length - 2 - (label === '' ? 0 : 1);
  const maxLabel = Math.max(8, room - 10);
  if (label.length > maxLabel) label = `…${label.slice(label.length - maxLabel + 1)}`;
  const width = Math.max(10, Math.min(40, room - label.length));
  const filled = Math.round(fraction * width);
  const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
  return `${label === '' ? '' : `${label} `}${bar} ${stats}`;
}
