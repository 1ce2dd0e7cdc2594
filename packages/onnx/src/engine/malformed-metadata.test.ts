import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ModelFormatError } from '@x/core';
import { GGMLType, MALFORMED_METADATA_CASES, rewriteGGUFMetadata, synthesizeModel } from '@x/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEngine } from './load-engine.js';

let directory: string;
let valid: string;
beforeAll(async () => {
  directory = await mkdtemp(path.join(os.tmpdir(), 'x-onnx-malformed-'));
  valid = path.join(directory, 'tiny-llama.gguf');
  await synthesizeModel({ shape: 'tiny-llama', path: valid, type: GGMLType.F32 });
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('malformed metadata (the shared validation, as the reference and candle-native loaders)', () => {
  it.each(MALFORMED_METADATA_CASES)('rejects $name with ModelFormatError', async ({ name, edits }) => {
    const file = path.join(directory, `${name.replaceAll(/\W+/g, '-')}.gguf`);
    await rewriteGGUFMetadata(valid, file, edits);
    const error = await loadEngine(file, { cacheDir: path.join(directory, 'cache') }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ModelFormatError);
    expect((error as ModelFormatError).path).toBe(file);
  });
});
