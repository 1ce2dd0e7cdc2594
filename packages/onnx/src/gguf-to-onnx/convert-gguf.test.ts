import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { GGMLType, loadReferenceEngine, synthesizeModel } from '@x/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedModels } from '../../test/shared-models.js';
import { loadOnnxEngine } from '../engine/load-onnx-engine.js';
import { convertGGUF } from './convert-gguf.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'x-onnx-convert-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function relativeL2(a: Float32Array, b: Float32Array): number {
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < a.length; i++) {
    diff += (a[i]! - b[i]!) ** 2;
    norm += b[i]! ** 2;
  }
  return Math.sqrt(diff / norm);
}

async function compare(gguf: string, folder: string, options: Parameters<typeof convertGGUF>[2] = {}) {
  await convertGGUF(gguf, folder, options);
  const onnx = await loadOnnxEngine(folder, { threads: 1 });
  const reference = await loadReferenceEngine(gguf);
  const vocab = onnx.info.vocabSize;
  expect(vocab).toBe(reference.info.vocabSize);
  const ids = Int32Array.from({ length: 10 }, (_, i) => (i * 31 + 1) % vocab);
  const [a, b] = [onnx.createSequence(), reference.createSequence()];
  const [onnxAll] = await onnx.forward([{ seq: a, tokens: ids, logitsFor: 'all' }]);
  const [referenceAll] = await reference.forward([{ seq: b, tokens: ids, logitsFor: 'all' }]);
  const [onnxNext] = await onnx.forward([{ seq: a, tokens: Int32Array.of(5), logitsFor: 'last' }]);
  const [referenceNext] = await reference.forward([{ seq: b, tokens: Int32Array.of(5), logitsFor: 'last' }]);
  await onnx.dispose();
  await reference.dispose();
  const result = { all: relativeL2(onnxAll!, referenceAll!), next: relativeL2(onnxNext!, referenceNext!) };
  return result;
}

describe('convertGGUF', () => {
  it('stories260K: logits agree with the reference engine', async () => {
    const error = await compare(path.join(sharedModels, 'stories260K.gguf'), path.join(dir, 'stories'));
    expect(error.all).toBeLessThan(1e-4);
    expect(error.next).toBeLessThan(1e-4);
  });

  for (const shape of ['tiny-llama', 'tiny-qwen2']) {
    it(`${shape}: logits agree with the reference engine`, async () => {
      const gguf = path.join(dir, `${shape}.gguf`);
      await synthesizeModel({ shape, path: gguf, type: GGMLType.F32, std: 0.15 });
      const error = await compare(gguf, path.join(dir, shape));
      expect(error.all).toBeLessThan(1e-4);
      expect(error.next).toBeLessThan(1e-4);
    });
  }
});
