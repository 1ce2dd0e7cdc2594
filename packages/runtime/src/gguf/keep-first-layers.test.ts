import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keepFirstLayers } from './keep-first-layers.js';
import { readGGUF } from './read-gguf.js';
import { sharedModelsDir } from './shared-models-dir.js';
import { readTensor } from './tensor-data.js';

const storiesPath = path.join(sharedModelsDir, 'stories260K.gguf');
let directory: string;
beforeAll(async () => {
  directory = await mkdtemp(path.join(os.tmpdir(), 'x-keep-layers-'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('keepFirstLayers', () => {
  it('keeps the first blocks, the embeddings, output head and tokenizer, byte for byte', async () => {
    const target = path.join(directory, 'two.gguf');
    await keepFirstLayers(storiesPath, target, 2);
    const source = await readGGUF(storiesPath);
    const cut = await readGGUF(target);
    expect(source.metadata['llama.block_count']).toBe(5);
    expect(cut.metadata['llama.block_count']).toBe(2);
    expect(cut.metadata['tokenizer.ggml.tokens']).toEqual(source.metadata['tokenizer.ggml.tokens']);
    const kept = source.tensors.filter((t) => !/^blk\.[2-9]\./.test(t.name));
    expect(cut.tensors.map((t) => t.name)).toEqual(kept.map((t) => t.name));
    for (const info of cut.tensors.slice(0, 3))
      expect(await readTensor(cut, info)).toEqual(
        await readTensor(source, source.tensors.find((t) => t.name === info.name)!),
      );
  });

  it('rejects a layer count outside the model', async () => {
    await expect(keepFirstLayers(storiesPath, path.join(directory, 'x.gguf'), 0)).rejects.toThrow(RangeError);
    await expect(keepFirstLayers(storiesPath, path.join(directory, 'x.gguf'), 6)).rejects.toThrow(/1\.\.5/);
  });
});
