import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { UnsupportedError } from '@x/core';
import { GGMLType, loadReferenceEngine, synthesizeModel } from '@x/runtime';
import { relativeL2, sharedModelsDir } from '@x/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeDecoderIO } from '../decoder/decoder-io.js';
import { decoderStep, emptyKVState } from '../decoder/decoder-step.js';
import { loadOnnxEngine } from '../engine/load-onnx-engine.js';
import { type OrtSession, openOrtSession } from '../ort/ort-session.js';
import { convertGGUF } from './convert-gguf.js';
import { decodeModel, OnnxDataType } from './onnx-proto.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'x-onnx-convert-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function compare(
  gguf: string,
  folder: string,
  options: Parameters<typeof convertGGUF>[2] = {},
  length = 10,
) {
  await convertGGUF(gguf, folder, options);
  const onnx = await loadOnnxEngine(folder, { threads: 1 });
  const reference = await loadReferenceEngine(gguf);
  const vocab = onnx.info.vocabSize;
  expect(vocab).toBe(reference.info.vocabSize);
  const ids = Int32Array.from({ length }, (_, i) => (i * 31 + 1) % vocab);
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
    const error = await compare(path.join(sharedModelsDir, 'stories260K.gguf'), path.join(dir, 'stories'));
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

  // 100 positions, past YaRN's original 32: the graph's rotary tables carry the scaling
  for (const [shape, ropeScaling, ropeFreqs, contribOps] of [
    ['tiny-llama', { type: 'yarn', factor: 4, originalContextLength: 32 }, true, false],
    ['tiny-qwen2', { type: 'yarn', factor: 8, originalContextLength: 32, attnFactor: 0.9 }, false, true],
    ['tiny-qwen2', { type: 'linear', factor: 4 }, false, false],
  ] as const) {
    it(`${shape}, ${ropeScaling.type} ×${ropeScaling.factor}${ropeFreqs ? ', rope_freqs' : ''}${contribOps ? ', contrib ops' : ''}: logits agree with the reference`, async () => {
      const gguf = path.join(dir, `${shape}-${ropeScaling.type}-${ropeScaling.factor}.gguf`);
      await synthesizeModel({ shape, path: gguf, type: GGMLType.F32, std: 0.15, ropeScaling, ropeFreqs });
      const error = await compare(gguf, `${gguf}-onnx`, { contribOps }, 100);
      expect(error.all).toBeLessThan(1e-4);
      expect(error.next).toBeLessThan(1e-4);
    });
  }

  it('refuses LongRoPE with UnsupportedError', async () => {
    const gguf = path.join(dir, 'longrope.gguf');
    await synthesizeModel({
      shape: 'tiny-llama',
      path: gguf,
      type: GGMLType.F32,
      ropeScaling: { type: 'longrope' },
    });
    await expect(convertGGUF(gguf, path.join(dir, 'longrope'))).rejects.toBeInstanceOf(UnsupportedError);
  });

  for (const [shape, type] of [
    ['tiny-llama', GGMLType.Q8_0],
    ['tiny-qwen2', GGMLType.Q4_0],
  ] as const) {
    it(`${shape} ${type === GGMLType.Q8_0 ? 'Q8_0' : 'Q4_0'} kept as MatMulNBits: logits agree with the reference`, async () => {
      const gguf = path.join(dir, `${shape}-${type}.gguf`);
      await synthesizeModel({ shape, path: gguf, type, std: 0.15 });
      const folder = path.join(dir, `${shape}-${type}`);
      const error = await compare(gguf, folder, { dtype: 'gguf', accuracy: 'exact' });
      expect(error.all).toBeLessThan(1e-4);
      expect(error.next).toBeLessThan(1e-4);
      const model = decodeModel(await readFile(path.join(folder, 'onnx', 'model.onnx')));
      const nbits = model.graph.node.filter((node) => node.op_type === 'MatMulNBits');
      expect(nbits.length).toBe(2 * 7 + 1);
    });
  }

  for (const shape of ['tiny-llama', 'tiny-qwen2']) {
    it(`${shape} with contrib ops (GroupQueryAttention, SimplifiedLayerNormalization) agrees`, async () => {
      const gguf = path.join(dir, `${shape}.gguf`);
      const folder = path.join(dir, `${shape}-contrib`);
      const error = await compare(gguf, folder, { contribOps: true });
      expect(error.all).toBeLessThan(1e-4);
      expect(error.next).toBeLessThan(1e-4);
      const model = decodeModel(await readFile(path.join(folder, 'onnx', 'model.onnx')));
      expect(model.graph.node.filter((node) => node.op_type === 'GroupQueryAttention').length).toBe(2);
    });
  }

  it('tiny-qwen2 Q4_0 as MatMulNBits with contrib ops (biases on [B, S, D] activations) agrees', async () => {
    const gguf = path.join(dir, `tiny-qwen2-${GGMLType.Q4_0}.gguf`);
    const folder = path.join(dir, 'tiny-qwen2-q4-contrib');
    const error = await compare(gguf, folder, { dtype: 'gguf', accuracy: 'exact', contribOps: true });
    expect(error.all).toBeLessThan(1e-4);
    expect(error.next).toBeLessThan(1e-4);
  });

  it('with contrib ops, a prompt run in chunks after a cache rotates at the right positions', async () => {
    const engine = await loadOnnxEngine(path.join(dir, 'tiny-llama-contrib'), { threads: 1 });
    const vocab = engine.info.vocabSize;
    const ids = Int32Array.from({ length: 10 }, (_, i) => (i * 17 + 3) % vocab);
    const [whole, chunked] = [engine.createSequence(), engine.createSequence()];
    const [all] = await engine.forward([{ seq: whole, tokens: ids, logitsFor: 'all' }]);
    await engine.forward([{ seq: chunked, tokens: ids.subarray(0, 6), logitsFor: 'last' }]);
    const [rest] = await engine.forward([{ seq: chunked, tokens: ids.subarray(6), logitsFor: 'all' }]);
    await engine.dispose();
    expect(relativeL2(rest!, all!.subarray(6 * vocab))).toBeLessThan(1e-5);
  });

  it('int8 MatMulNBits (the fast default) stays close to the reference', async () => {
    const gguf = path.join(dir, `tiny-llama-${GGMLType.Q8_0}.gguf`);
    const error = await compare(gguf, path.join(dir, 'tiny-llama-int8'), { dtype: 'gguf' });
    expect(error.all).toBeLessThan(3e-2);
    expect(error.all).toBeGreaterThan(1e-6);
  });

  it('f16 weights in an external data file stay within f16 rounding of the reference', async () => {
    const folder = path.join(dir, 'stories-f16');
    const error = await compare(path.join(sharedModelsDir, 'stories260K.gguf'), folder, {
      dtype: 'f16',
      externalData: true,
    });
    expect(error.all).toBeLessThan(1e-2);
    expect(error.all).toBeGreaterThan(1e-7);
    const model = decodeModel(await readFile(path.join(folder, 'onnx', 'model.onnx')));
    const embedding = model.graph.initializer.find((tensor) => tensor.name === 'token_embd.weight');
    expect(embedding?.data_type).toBe(OnnxDataType.FLOAT16);
    expect(embedding?.external_data?.[0]).toEqual({ key: 'location', value: 'model.onnx_data' });
    expect((await stat(path.join(folder, 'onnx', 'model.onnx_data'))).size).toBeGreaterThan(100_000);
  });

  for (const contribOps of [false, true]) {
    it(`num_logits_to_keep = 1 computes only the last row, equal to the last of all rows (contribOps ${contribOps})`, async () => {
      const folder = path.join(dir, contribOps ? 'tiny-llama-contrib' : 'tiny-llama');
      const session = await openOrtSession(path.join(folder, 'onnx', 'model.onnx'), { threads: 1 });
      const io = describeDecoderIO(session.inputs, session.outputs, folder);
      expect(io.numLogitsToKeep).toEqual({ name: 'num_logits_to_keep', type: 'int64' });
      const logitDims: number[][] = [];
      const recording: OrtSession = {
        ...session,
        run: async (feeds) => {
          const outputs = await session.run(feeds);
          logitDims.push([...outputs.logits!.dims]);
          return outputs;
        },
      };
      const ids = Int32Array.from({ length: 7 }, (_, i) => (i * 13 + 2) % io.logitsWidth!);
      const all = await decoderStep(recording, io, emptyKVState(io), ids, 'all');
      const last = await decoderStep(recording, io, emptyKVState(io), ids, 'last');
      await session.dispose();
      expect(logitDims).toEqual([
        [1, 7, io.logitsWidth],
        [1, 1, io.logitsWidth],
      ]);
      const width = io.logitsWidth!;
      expect(relativeL2(last.logits, all.logits.subarray(6 * width, 7 * width))).toBeLessThan(1e-6);
    });
  }

  it('writes the HF config and the graph inputs transformers.js expects', async () => {
    const folder = path.join(dir, 'stories');
    const config = JSON.parse(await readFile(path.join(folder, 'config.json'), 'utf8'));
    expect(config).toMatchObject({
      model_type: 'llama',
      num_hidden_layers: 5,
      num_key_value_heads: 4,
      vocab_size: 512,
    });
    const model = decodeModel(await readFile(path.join(folder, 'onnx', 'model.onnx')));
    expect(model.graph.input.map((value) => value.name).slice(0, 5)).toEqual([
      'input_ids',
      'attention_mask',
      'position_ids',
      'past_key_values.0.key',
      'past_key_values.0.value',
    ]);
    expect(model.graph.output[0]?.name).toBe('present.0.key');
  });
});
