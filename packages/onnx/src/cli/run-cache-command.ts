import path from 'node:path';
import { clearConversionCache, listCacheEntries } from '../gguf-to-onnx/conversion-cache-entries.js';
import { defaultCacheDir } from '../gguf-to-onnx/converted-model-cache.js';

const mib = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(1)} MiB`;

/** `x-onnx cache list|clear [--cache-dir DIR]`; returns the exit code (2: bad usage). */
export async function runCacheCommand(argv: string[], out: (line: string) => void): Promise<number> {
  const [action, ...rest] = argv;
  const at = rest.indexOf('--cache-dir');
  const cacheDir = at >= 0 ? rest[at + 1] : defaultCacheDir();
  if (cacheDir === undefined || (action !== 'list' && action !== 'clear')) return 2;
  if (action === 'clear') {
    out(`removed ${mib(await clearConversionCache(cacheDir))} from ${cacheDir}`);
    return 0;
  }
  const entries = await listCacheEntries(cacheDir);
  for (const entry of entries.reverse())
    out(
      `${mib(entry.bytes).padStart(12)}  ${new Date(entry.lastUsedMs).toISOString()}  ${path.basename(entry.folder)}`,
    );
  out(
    `${entries.length} conversions, ${mib(entries.reduce((sum, entry) => sum + entry.bytes, 0))} in ${cacheDir}`,
  );
  return 0;
}
