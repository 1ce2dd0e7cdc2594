import path from 'node:path';
import { eta, ProgressBar, type ProgressStream } from '@x/core';

/**
 * synthesizeModel's progress on @x/core's ProgressBar: `model.gguf ████░░  45%  0.2M / 0.5M weights
 * ETA 0:03`. Undefined when `stream` is not a terminal.
 */
export function synthesisProgressBar(
  file: string,
  stream: ProgressStream = process.stderr,
  now: () => number = () => performance.now(),
): ((done: number, total: number) => void) | undefined {
  const bar = new ProgressBar({ stream, now });
  if (!bar.active) return undefined;
  const started = now();
  const label = path.basename(file);
  return (done, total) => {
    const percent = `${Math.floor((100 * done) / total)}%`.padStart(4);
    const weights = `${(done / 1e6).toFixed(1)}M / ${(total / 1e6).toFixed(1)}M weights`;
    const parts = {
      done,
      total,
      label,
      stats: `${percent}  ${weights}  ${eta(done, total, started, now())}`,
    };
    if (done >= total) bar.finish(parts);
    else bar.update(parts);
  };
}
