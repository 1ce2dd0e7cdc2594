import path from 'node:path';
import { formatBytes, ProgressBar, type ProgressStream } from '@x/core';
import type { ConversionProgress } from './convert-gguf.js';

/**
 * A GGUF → ONNX conversion's progress on @x/core's ProgressBar: `model.gguf: reading ████░░ 12/57
 * tensors`, then `model.gguf: writing ████░░ 45.0 MB / 98.1 MB`. Undefined when `stream` is not a
 * terminal. Each stage ends its own line.
 */
export function conversionProgressBar(
  ggufPath: string,
  stream: ProgressStream = process.stderr,
  now?: () => number,
): ((progress: ConversionProgress) => void) | undefined {
  const bar = new ProgressBar({ stream, now });
  if (!bar.active) return undefined;
  const name = path.basename(ggufPath);
  return ({ stage, done, total }) => {
    const parts =
      stage === 'read'
        ? { done, total, label: `${name}: reading`, stats: `${done}/${total} tensors` }
        : { done, total, label: `${name}: writing`, stats: `${formatBytes(done)} / ${formatBytes(total)}` };
    if (done >= total) bar.finish(parts);
    else bar.update(parts);
  };
}
