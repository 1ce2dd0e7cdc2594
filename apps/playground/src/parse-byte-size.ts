import { UsageError } from './usage-error.js';

const units: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1e3,
  kb: 1e3,
  kib: 2 ** 10,
  m: 1e6,
  mb: 1e6,
  mib: 2 ** 20,
  g: 1e9,
  gb: 1e9,
  gib: 2 ** 30,
};

/**
 * "512KiB", "1.5GB", "1048576" → bytes; a UsageError for anything else, for sizes past
 * Number.MAX_SAFE_INTEGER, and for sizes under `min` bytes (default 0).
 */
export function parseByteSize(text: string, option: string, { min = 0 }: { min?: number } = {}): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = match ? units[match[2]!.toLowerCase()] : undefined;
  if (!match || unit === undefined)
    throw new UsageError(`--${option} must be a size such as 1MiB or 4GB, got "${text}"`);
  const bytes = Math.floor(Number(match[1]) * unit);
  if (!Number.isSafeInteger(bytes))
    throw new UsageError(`--${option} must be at most ${Number.MAX_SAFE_INTEGER} bytes, got "${text}"`);
  if (bytes < min) throw new UsageError(`--${option} must be at least ${min} bytes, got "${text}"`);
  return bytes;
}
