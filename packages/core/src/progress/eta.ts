import { formatDuration } from './format-duration.js';

/** `ETA 0:04` from the work done since `startedMs`; `ETA --:--` before any. */
export function eta(done: number, total: number, startedMs: number, nowMs: number): string {
  const seconds = (nowMs - startedMs) / 1000;
  if (done <= 0 || seconds <= 0) return 'ETA --:--';
  return `ETA ${formatDuration(((total - done) * seconds) / done)}`;
}
