import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadReferenceEngine } from '@x/runtime';
import { describeEngineConformance, sharedModelsDir } from '@x/runtime/testing';
import { afterAll } from 'vitest';
import { convertGGUF } from '../gguf-to-onnx/convert-gguf.js';
import { loadOnnxEngine } from './load-onnx-engine.js';

const stories = path.join(sharedModelsDir, 'stories260K.gguf');
let converted: Promise<string> | undefined;

afterAll(async () => {
  if (converted !== undefined) await rm(path.dirname(await converted), { recursive: true, force: true });
});

/** stories260K converted to ONNX once per run, so the engine and the reference share weights. */
function storiesOnnx(): Promise<string> {
  converted ??= (async () => {
    const folder = path.join(await mkdtemp(path.join(os.tmpdir(), 'x-onnx-conformance-')), 'stories');
    await convertGGUF(stories, folder);
    return folder;
  })();
  return converted;
}

describeEngineConformance('onnx (cpu)', {
  open: async () => loadOnnxEngine(await storiesOnnx(), { threads: 1, contextLength: 64 }),
  reference: () => loadReferenceEngine(stories, { contextLength: 64 }),
  maxNmse: 1e-6,
});
