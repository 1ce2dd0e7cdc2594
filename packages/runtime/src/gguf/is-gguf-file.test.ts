import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ModelFormatError } from '@x/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isGGUFFile } from './is-gguf-file.js';
import { sharedModelsDir } from './shared-models-dir.js';

describe('isGGUFFile', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'is-gguf-file-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is true for a GGUF file, false for a folder or another format', async () => {
    expect(await isGGUFFile(path.join(sharedModelsDir, 'stories260K.gguf'))).toBe(true);
    expect(await isGGUFFile(dir)).toBe(false);
    const json = path.join(dir, 'model.onnx');
    await writeFile(json, 'ONNX');
    expect(await isGGUFFile(json)).toBe(false);
  });

  it('names a missing path in a ModelFormatError', async () => {
    const missing = path.join(dir, 'missing.gguf');
    const error = await isGGUFFile(missing).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModelFormatError);
    expect((error as ModelFormatError).path).toBe(missing);
  });
});
