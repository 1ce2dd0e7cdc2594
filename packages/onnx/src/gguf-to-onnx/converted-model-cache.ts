import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { evictToBudget, touchEntry } from './conversion-cache-entries.js';
import { conversionProgressBar } from './conversion-progress-bar.js';
import { type ConvertGGUFOptions, convertGGUF } from './convert-gguf.js';

/** Bumped whenever the graph the converter writes changes, so old cache entries are not reused. */
const CONVERTER_VERSION = 3;

export interface CachedConversionOptions extends Omit<ConvertGGUFOptions, 'onProgress'> {
  /** Called as a conversion runs; default: a progress bar on stderr when it is a terminal. false: none. */
  onProgress?: ConvertGGUFOptions['onProgress'] | false;
  /** Where converted models are kept (default: $X_CACHE_DIR/onnx or ~/.cache/x/onnx). */
  cacheDir?: string;
  /**
   * Most bytes the cache keeps: after a new conversion, the least recently used ones go first.
   * Default: $X_ONNX_CACHE_MAX_BYTES, else 4 GiB.
   */
  cacheMaxBytes?: number;
}

const DEFAULT_CACHE_MAX_BYTES = 4 * 1024 ** 3;

function defaultCacheMaxBytes(): number {
  const fromEnvironment = Number(process.env.X_ONNX_CACHE_MAX_BYTES);
  return Number.isFinite(fromEnvironment) && fromEnvironment >= 0 ? fromEnvironment : DEFAULT_CACHE_MAX_BYTES;
}

export function defaultCacheDir(): string {
  return path.join(process.env.X_CACHE_DIR ?? path.join(os.homedir(), '.cache', 'x'), 'onnx');
}

/**
 * The folder of the GGUF's ONNX conversion, keyed by the file's sha256 and the conversion options;
 * converted on first use into a temporary folder that is then renamed into place. Each use marks
 * the entry; a new conversion then evicts the least recently used ones beyond `cacheMaxBytes`.
 */
export async function cachedConversion(
  ggufPath: string,
  options: CachedConversionOptions = {},
): Promise<string> {
  const {
    cacheDir = defaultCacheDir(),
    cacheMaxBytes = defaultCacheMaxBytes(),
    onProgress,
    ...convert
  } = options;
  const hash = await cachedSha256(ggufPath, cacheDir);
  const dtype = convert.dtype === 'gguf' ? `gguf-${convert.accuracy ?? 'int8'}` : (convert.dtype ?? 'f32');
  const ops = convert.contribOps ? '-contrib' : '';
  const variant = `${dtype}${ops}-${convert.maxPositions ?? 'ctx'}-v${CONVERTER_VERSION}`;
  const folder = path.join(cacheDir, `${hash}-${variant}`);
  if (await exists(path.join(folder, 'onnx', 'model.onnx'))) {
    await touchEntry(folder);
    return folder;
  }
  const temporary = `${folder}.tmp-${process.pid}-${Date.now()}`;
  try {
    await convertGGUF(ggufPath, temporary, {
      ...convert,
      onProgress: onProgress === false ? undefined : (onProgress ?? conversionProgressBar(ggufPath)),
    });
    await rename(temporary, folder).catch(async (error: NodeJS.ErrnoException) => {
      // another process finished the same conversion first
      if (!(await exists(path.join(folder, 'onnx', 'model.onnx')))) throw error;
    });
  } finally {
    await rm(temporary, { recursive: true, force: true });
  }
  await touchEntry(folder);
  await evictToBudget(cacheDir, cacheMaxBytes, folder);
  return folder;
}

/** The file's sha256, remembered in the cache folder by path, size and mtime so a load does not reread the file. */
async function cachedSha256(file: string, cacheDir: string): Promise<string> {
  const info = await stat(file);
  const key = `${path.resolve(file)}|${info.size}|${info.mtimeMs}`;
  const indexFile = path.join(cacheDir, 'sha256-index.json');
  const index = await readFile(indexFile, 'utf8')
    .then((text) => JSON.parse(text) as Record<string, string>)
    .catch(() => ({}) as Record<string, string>);
  const known = index[key];
  if (known !== undefined) return known;
  const hash = await sha256(file);
  await mkdir(cacheDir, { recursive: true });
  const temporary = `${indexFile}.${process.pid}`;
  await writeFile(temporary, JSON.stringify({ ...index, [key]: hash }));
  await rename(temporary, indexFile);
  return hash;
}

async function sha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}
