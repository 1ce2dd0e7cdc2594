import { readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Touched on every use of a converted model: its mtime orders the entries for eviction. */
const LAST_USED = '.last-used';
/** A conversion folder: sha256 of the GGUF, then the variant (see cachedConversion). */
const ENTRY = /^[0-9a-f]{64}-[\w.-]+$/;
const TEMPORARY = /\.tmp-\d+-\d+$/;

export interface CacheEntry {
  folder: string;
  bytes: number;
  lastUsedMs: number;
}

/** Marks `folder` as just used. */
export async function touchEntry(folder: string): Promise<void> {
  const marker = path.join(folder, LAST_USED);
  const now = new Date();
  await utimes(marker, now, now).catch(() => writeFile(marker, ''));
}

/** The converted models in `cacheDir`, least recently used first (unfinished conversions left out). */
export async function listCacheEntries(cacheDir: string): Promise<CacheEntry[]> {
  const names = await readdir(cacheDir).catch(() => [] as string[]);
  const entries: CacheEntry[] = [];
  for (const name of names) {
    if (!ENTRY.test(name) || TEMPORARY.test(name)) continue;
    const folder = path.join(cacheDir, name);
    const marker = await stat(path.join(folder, LAST_USED)).catch(() => undefined);
    const info = marker ?? (await stat(folder));
    entries.push({ folder, bytes: await folderBytes(folder), lastUsedMs: info.mtimeMs });
  }
  return entries.sort((a, b) => a.lastUsedMs - b.lastUsedMs);
}

/**
 * Removes least recently used conversions until the cache holds at most `maxBytes` (`keep`, the
 * model being loaded, always stays). Returns the folders removed.
 */
export async function evictToBudget(cacheDir: string, maxBytes: number, keep?: string): Promise<string[]> {
  const entries = await listCacheEntries(cacheDir);
  let total = entries.reduce((sum, entry) => sum + entry.bytes, 0);
  const removed: string[] = [];
  for (const entry of entries) {
    if (total <= maxBytes) break;
    if (keep !== undefined && path.resolve(entry.folder) === path.resolve(keep)) continue;
    await rm(entry.folder, { recursive: true, force: true });
    total -= entry.bytes;
    removed.push(entry.folder);
  }
  return removed;
}

/** Removes every conversion, unfinished ones and the sha256 index included. Returns the bytes freed. */
export async function clearConversionCache(cacheDir: string): Promise<number> {
  const names = await readdir(cacheDir).catch(() => [] as string[]);
  let freed = 0;
  for (const name of names) {
    if (!ENTRY.test(name) && !name.startsWith('sha256-index.json')) continue;
    const target = path.join(cacheDir, name);
    freed += await folderBytes(target);
    await rm(target, { recursive: true, force: true });
  }
  return freed;
}

async function folderBytes(target: string): Promise<number> {
  const info = await stat(target).catch(() => undefined);
  if (info === undefined) return 0;
  if (!info.isDirectory()) return info.size;
  let total = 0;
  for (const name of await readdir(target)) total += await folderBytes(path.join(target, name));
  return total;
}
