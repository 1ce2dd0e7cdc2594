import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sharedModelsDir } from '@x/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphBuilder, int } from '../gguf-to-onnx/graph-builder.js';
import { OnnxDataType } from '../gguf-to-onnx/onnx-proto.js';
import { writeOnnxModel } from '../gguf-to-onnx/write-onnx-model.js';
import { loadEngine } from './load-engine.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'x-onnx-bad-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A graph that turns input_ids into float "logits" and has no KV cache. */
async function graphWithoutCache(folder: string): Promise<string> {
  const g = new GraphBuilder();
  const ids = g.input('input_ids', OnnxDataType.INT64, ['batch_size', 'sequence_length']);
  g.op('Cast', [ids], { to: int(OnnxDataType.FLOAT) }, 'logits');
  g.output('logits', OnnxDataType.FLOAT, ['batch_size', 'sequence_length']);
  await mkdir(folder, { recursive: true });
  const file = path.join(folder, 'model.onnx');
  await writeOnnxModel(g, file);
  return file;
}

describe('bad input', () => {
  it('a missing model path gives ModelFormatError naming it', async () => {
    const missing = path.join(dir, 'nope');
    await expect(loadEngine(missing)).rejects.toMatchObject({ name: 'ModelFormatError', path: missing });
  });

  it('a folder without a graph gives ModelFormatError', async () => {
    const empty = path.join(dir, 'empty');
    await mkdir(empty);
    await expect(loadEngine(empty)).rejects.toMatchObject({
      name: 'ModelFormatError',
      message: expect.stringContaining('no .onnx decoder'),
    });
  });

  it('a corrupt .onnx file gives ModelFormatError naming the file', async () => {
    const file = path.join(dir, 'corrupt.onnx');
    await writeFile(file, Buffer.from('this is not a protobuf model at all'));
    await expect(loadEngine(file)).rejects.toMatchObject({ name: 'ModelFormatError', path: file });
  });

  it('a truncated GGUF gives ModelFormatError', async () => {
    const file = path.join(dir, 'truncated.gguf');
    await writeFile(file, Buffer.from('GGUF\x03\x00\x00\x00\x05'));
    await expect(loadEngine(file, { cacheDir: dir })).rejects.toMatchObject({ name: 'ModelFormatError' });
  });

  it('a graph without KV-cache inputs gives ModelFormatError listing its inputs', async () => {
    const file = await graphWithoutCache(path.join(dir, 'no-cache'));
    await expect(loadEngine(file)).rejects.toMatchObject({
      name: 'ModelFormatError',
      path: file,
      message: expect.stringContaining('no KV-cache inputs'),
    });
  });

  it('config vocab_size unlike the logits width gives ModelFormatError', async () => {
    const folder = path.join(dir, 'wrong-vocab');
    await mkdir(folder);
    await copyFile(
      path.join(sharedModelsDir, 'ort-genai-tiny-random-gpt2-fp32', 'past.onnx'),
      path.join(folder, 'model.onnx'),
    );
    await writeFile(
      path.join(folder, 'config.json'),
      JSON.stringify({ model_type: 'gpt2', vocab_size: 999 }),
    );
    await expect(loadEngine(folder)).rejects.toMatchObject({
      name: 'ModelFormatError',
      expected: '999 (config)',
      got: '1000 (logits)',
    });
  });
});
