import type { LMResult } from './lm.js';
import { sha256HexOfText } from './sha256.js';
import { sortedJson } from './sorted-json.js';

export interface LMCacheOptions {
  /** Keep results in memory (an LRU of `maxEntries`). Default true. */
  memory?: boolean;
  /** Default 1,000,000, as DSPy's `memory_max_entries`. */
  maxEntries?: number;
  /** Also keep results on disk, one JSON file per key under this folder (Node only). */
  directory?: string;
}

/**
 * Memory and optional disk storage for LM results, keyed as DSPy's `Cache.cache_key` keys them:
 * the SHA-256 of the request's JSON with sorted keys. Safe to share between LMs (the model id is
 * part of every request).
 */
export class LMCache {
  readonly hits = { memory: 0, disk: 0 };
  misses = 0;
  private readonly memory: Map<string, LMResult> | undefined;
  private readonly maxEntries: number;
  private readonly directory: string | undefined;

  constructor(options: LMCacheOptions = {}) {
    this.memory = options.memory === false ? undefined : new Map();
    this.maxEntries = options.maxEntries ?? 1_000_000;
    if (!(this.maxEntries > 0)) throw new RangeError(`maxEntries must be positive, got ${this.maxEntries}`);
    this.directory = options.directory;
  }

  /** Entries held in memory. */
  get size(): number {
    return this.memory?.size ?? 0;
  }

  /** The key of a request: hex SHA-256 of its sorted-key JSON (undefined values left out). */
  async key(request: Readonly<Record<string, unknown>>): Promise<string> {
    return sha256HexOfText(sortedJson(request));
  }

  async get(key: string): Promise<LMResult | undefined> {
    const remembered = this.memory?.get(key);
    if (remembered) {
      this.memory?.delete(key);
      this.memory?.set(key, remembered);
      this.hits.memory += 1;
      return structuredClone(remembered);
    }
    const stored = await this.readDisk(key);
    if (stored) {
      this.remember(key, stored);
      this.hits.disk += 1;
      return structuredClone(stored);
    }
    this.misses += 1;
    return undefined;
  }

  async set(key: string, result: LMResult): Promise<void> {
    const copy = structuredClone(result);
    this.remember(key, copy);
    if (this.directory === undefined) return;
    const [{ mkdir, writeFile, rename }, path] = await Promise.all([
      import('node:fs/promises'),
      import('node:path'),
    ]);
    const file = this.filePath(path.join, key);
    await mkdir(path.dirname(file), { recursive: true });
    // Written aside then renamed, so a reader never sees half a file.
    const partial = `${file}.${Math.random().toString(36).slice(2)}.tmp`;
    await writeFile(partial, JSON.stringify(copy), 'utf8');
    await rename(partial, file);
  }

  clear(): void {
    this.memory?.clear();
  }

  private remember(key: string, result: LMResult): void {
    if (!this.memory) return;
    this.memory.delete(key);
    this.memory.set(key, result);
    while (this.memory.size > this.maxEntries) {
      const oldest = this.memory.keys().next().value as string;
      this.memory.delete(oldest);
    }
  }

  private async readDisk(key: string): Promise<LMResult | undefined> {
    if (this.directory === undefined) return undefined;
    const [{ readFile }, path] = await Promise.all([import('node:fs/promises'), import('node:path')]);
    try {
      return JSON.parse(await readFile(this.filePath(path.join, key), 'utf8')) as LMResult;
    } catch {
      // Absent or unreadable: a miss, as DSPy treats an entry it cannot deserialize.
      return undefined;
    }
  }

  private filePath(join: (...parts: string[]) => string, key: string): string {
    return join(this.directory as string, key.slice(0, 2), `${key}.json`);
  }
}
