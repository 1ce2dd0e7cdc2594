import { formatBytes, formatDuration, ProgressBar, type ProgressStream } from '@x/core';
import type { DownloadProgress } from './download-file.js';

/**
 * A download progress reporter for @x/core's ProgressBar: `file ████░░░░  45%  12.3 MB / 27.1 MB
 * 3.4 MB/s  ETA 0:04`. Returns undefined when `stream` is not a terminal (logs and pipes get no bar).
 */
export function createProgressBar(
  stream: ProgressStream = process.stderr,
  now: () => number = () => performance.now(),
): ((progress: DownloadProgress) => void) | undefined {
  const bar = new ProgressBar({ stream, now });
  if (!bar.active) return undefined;
  const started = new Map<string, number>();
  return (progress) => {
    const time = now();
    if (!started.has(progress.file)) started.set(progress.file, time);
    const seconds = (time - (started.get(progress.file) as number)) / 1000;
    // Resumed bytes came from an earlier run, so they do not count toward this run's rate.
    const rate = seconds > 0 ? (progress.received - progress.resumed) / seconds : 0;
    const parts = {
      done: progress.received,
      total: progress.total,
      label: progress.file,
      stats: downloadStats(progress, rate),
    };
    if (progress.received >= progress.total) bar.finish(parts);
    else bar.update(parts);
  };
}

/** ` 45%  12.3 MB / 27.1 MB  3.4 MB/s  ETA 0:04` */
export function downloadStats(progress: Pick<DownloadProgress, 'received' | 'total'>, rate: number): string {
  const fraction = progress.total > 0 ? Math.min(1, progress.received / progress.total) : 1;
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  const eta = rate > 0 ? formatDuration((progress.total - progress.received) / rate) : '--:--';
  return `${percent}  ${formatBytes(progress.received)} / ${formatBytes(progress.total)}  ${formatBytes(rate)}/s  ETA ${eta}`;
}
