import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ModelFormatError } from '@x/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadReferenceEngine } from '../reference/load-reference-engine.js';
import { GGMLType } from './ggml-type.js';
import { readGGUF } from './read-gguf.js';
import { rewriteGGUFMetadata } from './rewrite-gguf-metadata.js';
import { MALFORMED_METADATA_CASES } from './synth/malformed-metadata-cases.js';
import { synthesizeModel } from './synth/synthesize-model.js';
import { validateModelMetadata } from './validate-model-metadata.js';

let directory: string;
let valid: string;
beforeAll(async () => {
  directory = await mkdtemp(path.join(os.tmpdir(), 'x-validate-'));
  valid = path.join(directory, 'tiny-llama.gguf');
  await synthesizeModel({ shape: 'tiny-llama', path: valid, type: GGMLType.F32 });
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('validateModelMetadata', () => {
  it('reads the hyperparameters of a valid header', async () => {
    const { metadata } = await readGGUF(valid);
    expect(validateModelMetadata(metadata)).toEqual({
      architecture: 'llama',
      embeddingLength: 64,
      layerCount: 2,
      headCount: 4,
      headCountKv: 2,
      headDim: 16,
      feedForwardLength: 256,
      contextLength: 256,
      ropeDims: 16,
    });
  });

  it('takes the largest of per-layer arrays and checks every element', () => {
    const base = {
      'general.architecture': 'llama',
      'llama.embedding_length': 64,
      'llama.block_count': 2,
      'llama.attention.head_count': [4, 4],
      'llama.feed_forward_length': [128, 256],
      'llama.context_length': 128,
    };
    expect(validateModelMetadata(base).feedForwardLength).toBe(256);
    expect(() => validateModelMetadata({ ...base, 'llama.feed_forward_length': [128, 0] })).toThrow(
      /feed_forward_length/,
    );
  });

  it.each(MALFORMED_METADATA_CASES)('rejects $name, in the reference loader too', async ({ name, edits }) => {
    const file = path.join(directory, `${name.replaceAll(/\W+/g, '-')}.gguf`);
    await rewriteGGUFMetadata(valid, file, edits);
    const { metadata } = await readGGUF(file);
    expect(() => validateModelMetadata(metadata, file)).toThrow(ModelFormatError);
    const error = await loadReferenceEngine(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelFormatError);
    expect((error as ModelFormatError).path).toBe(file);
  });

  it('turns missing files and directories into ModelFormatError in the reference loader', async () => {
    for (const bad of [path.join(directory, 'missing.gguf'), directory]) {
      const error = await loadReferenceEngine(bad).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ModelFormatError);
      expect((error as ModelFormatError).path).toBe(bad);
    }
  });
});
