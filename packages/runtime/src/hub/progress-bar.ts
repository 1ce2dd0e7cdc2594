import type { DownloadProgress } from './download-file.js';

export interface ProgressLine {
  label: string;
  received: number;
  total: number;
  /** Bytes per second over this download (resumed bytes excluded). */
  rate: number;
}

/** `label  [#####-----]  45%  12.3 MB / 27.1 MB  3.4 MB/s  ETA 0:04`, fitted to `width` columns. */
export function formatProgressLine(line: ProgressLine, width = 80): string {
  const fraction = line.total > 0 ? Math.min(1, line.received / line.total) : 1;
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  const eta = line.rate > 0 ? formatDuration((line.total - line.received) / line.rate) : '--:--';
  const stats = `${percent}  ${formatBytes(line.received)} / ${formatBytes(line.total)}  ${formatBytes(line.rate)}/s  ETA ${eta}`;
  const room = width - stats.length - 6;
  const label =
    line.label.length > room / 2
      ? `…${line.label.slice(-Math.max(8, Math.floor(room / 2) - 1))}`
      : line.label;
  const barWidth = Math.max(10, room - label.length);
  const filled = Math.round(fraction * barWidth);
  return `${label} [${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}] ${stats}`;
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${Math.round(value)} B` : `${value.toFixed(1)} ${units[unit]}`;
}

export function formatDuration(seconds: number): string {
  const whole = Math.max(0, Math.ceil(seconds));
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const rest = String(whole % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${rest}` : `${minutes}:${rest}`;
}

export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

/**
 * A download progress reporter that redraws one terminal line, at most ten times a second.
 * Returns undefined when `stream` is not a terminal (logs and pipes get no bar).
 */
export function createProgressBar(
  stream: ProgressStream = process.stderr,
  now: () => number = () => performance.now(),
): ((progress: DownloadProgress) => void) | undefined {
  if (!stream.isTTY) return undefined;
  const started = new Map<string, number>();
  let lastDraw = Number.NEGATIVE_INFINITY;
  return (progress) => {
    const time = now();
    if (!started.has(progress.file)) started.set(progress.file, time);
    const done = progress.received >= progress.total;
    if (!done && time - lastDraw < 100) return;
    lastDraw = time;
    const seconds = (time - started.get(progress.file)!) / 1000;
    const rate = seconds > 0 ? (progress.received - progress.resumed) / seconds : 0;
    const line = formatProgressLine(
      { label: progress.file, received: progress.received, total: progress.total, rate },
      stream.columns ?? 80,
    );
    stream.write(`\r\x1b[2K${line}${done ? '\n' : ''}`);
  };
}
