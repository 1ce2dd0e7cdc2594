import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { readGGUF } from '@x/runtime';
import { sharedModelsDir } from '@x/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversionProgressBar } from './conversion-progress-bar.js';
import { type ConversionProgress, convertGGUF } from './convert-gguf.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'x-onnx-progress-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const stories = path.join(sharedModelsDir, 'stories260K.gguf');

describe('conversion progress', () => {
  it('reports every tensor read, then the weight bytes written up to the data file size', async () => {
    const events: ConversionProgress[] = [];
    const folder = path.join(dir, 'events');
    await convertGGUF(stories, folder, { externalData: true, onProgress: (event) => events.push(event) });
    const tensors = (await readGGUF(stories)).tensors.length;
    const reads = events.filter((event) => event.stage === 'read');
    const writes = events.filter((event) => event.stage === 'write');
    expect(reads.map((event) => event.done)).toEqual(Array.from({ length: tensors }, (_, i) => i + 1));
    expect(events.indexOf(writes[0] as ConversionProgress)).toBe(tensors);
    expect(writes.length).toBeGreaterThan(1);
    const last = writes.at(-1) as ConversionProgress;
    expect(last.done).toBe(last.total);
    // The data file holds the large initializers (the small ones stay inline), aligned.
    expect((await stat(path.join(folder, 'onnx', 'model.onnx_data'))).size).toBeLessThanOrEqual(
      last.total + 4096,
    );
  });

  it('draws a line per stage on a terminal and nothing on a pipe', async () => {
    const frames: string[] = [];
    const terminal = { isTTY: true, columns: 100, write: (text: string) => frames.push(text) };
    const onProgress = conversionProgressBar(stories, terminal, () => 0);
    expect(onProgress).toBeDefined();
    await convertGGUF(stories, path.join(dir, 'drawn'), { externalData: true, onProgress });
    const lines = frames.join('').split('\n');
    expect(lines).toHaveLength(3);
    const final = (line: string) => line.split('\r\x1b[2K').at(-1);
    expect(final(lines[0] as string)).toMatch(/^stories260K\.gguf: reading █+ (\d+)\/\1 tensors$/);
    expect(final(lines[1] as string)).toMatch(/^stories260K\.gguf: writing █+ ([\d.]+ [kM]?B) \/ \1$/);
    expect(lines[2]).toBe('');
    expect(conversionProgressBar(stories, { isTTY: false, write: () => true })).toBeUndefined();
  });
});
