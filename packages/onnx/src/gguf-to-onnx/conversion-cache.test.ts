import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sharedModelsDir } from '@x/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runXOnnx } from '../cli/run-x-onnx.js';
import { listCacheEntries } from './conversion-cache-entries.js';
import { cachedConversion } from './converted-model-cache.js';

const stories = path.join(sharedModelsDir, 'stories260K.gguf');
const pause = () => new Promise((resolve) => setTimeout(resolve, 30));

let cacheDir: string;
beforeAll(async () => {
  cacheDir = await mkdtemp(path.join(os.tmpdir(), 'x-onnx-cache-'));
});
afterAll(async () => {
  await rm(cacheDir, { recursive: true, force: true });
});

describe('the conversion cache', () => {
  it('evicts the least recently used conversions beyond its budget, never the one being loaded', async () => {
    const a = await cachedConversion(stories, { cacheDir, maxPositions: 64 });
    await pause();
    const b = await cachedConversion(stories, { cacheDir, maxPositions: 128 });
    await pause();
    expect(await cachedConversion(stories, { cacheDir, maxPositions: 64 })).toBe(a); // a is used again
    const sizes = await listCacheEntries(cacheDir);
    expect(sizes.map((entry) => entry.folder)).toEqual([b, a]);
    // room for two conversions, not three (the 256-position one is a little larger)
    const budget = 2.5 * Math.max(sizes[0]!.bytes, sizes[1]!.bytes);
    await pause();
    const c = await cachedConversion(stories, { cacheDir, maxPositions: 256, cacheMaxBytes: budget });
    const left = (await listCacheEntries(cacheDir)).map((entry) => entry.folder);
    expect(left).toEqual([a, c]);
    // a budget below one model still keeps the model being loaded
    const d = await cachedConversion(stories, { cacheDir, maxPositions: 32, cacheMaxBytes: 1 });
    expect((await listCacheEntries(cacheDir)).map((entry) => entry.folder)).toEqual([d]);
  });

  it('x-onnx cache list and clear', async () => {
    const lines: string[] = [];
    expect(await runXOnnx(['cache', 'list', '--cache-dir', cacheDir], (line) => lines.push(line))).toBe(0);
    expect(lines.at(-1)).toMatch(/^1 conversions, [\d.]+ MiB/);
    expect(await runXOnnx(['cache', 'clear', '--cache-dir', cacheDir], (line) => lines.push(line))).toBe(0);
    expect(lines.at(-1)).toMatch(/^removed [\d.]+ MiB/);
    expect(await readdir(cacheDir)).toEqual([]);
    expect(await runXOnnx(['cache', 'shrink'], () => undefined)).toBe(2);
  });
});
