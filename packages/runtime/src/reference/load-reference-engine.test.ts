import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ModelFormatError, UnsupportedError } from '@x/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GGMLType, GGUFValueType } from '../gguf/index.js';
import { quantize } from '../gguf/quantize.js';
import { writeGGUF } from '../gguf/write-gguf.js';
import { loadReferenceEngine } from './load-reference-engine.js';
import { type RandomModel, randomModel } from './testing/random-model.js';

let directory: string;
let written = 0;
beforeAll(async () => {
  directory = await mkdtemp(path.join(tmpdir(), 'x-reference-load-'));
});
afterAll(() => rm(directory, { recursive: true, force: true }));

async function writeModel(
  model: RandomModel,
  typeOf: (name: string, shape: number[]) => GGMLType = () => GGMLType.F32,
): Promise<string> {
  const metadata = Object.fromEntries(
    Object.entries(model.metadata).map(([key, value]) => [
      key,
      key.endsWith('epsilon') || key.endsWith('freq_base') ? { type: GGUFValueType.FLOAT32, value } : value,
    ]),
  );
  const tensors = [...model.tensors].map(([name, tensor]) => {
    const type = typeOf(name, [...tensor.shape]);
    return { name, shape: [...tensor.shape], type, data: quantize(type, tensor.data) };
  });
  const file = path.join(directory, `model-${++written}.gguf`);
  await writeGGUF(file, { metadata, tensors });
  return file;
}

describe('loadReferenceEngine', () => {
  it('dequantizes Q8_0 matrices on load and reports the dominant type', async () => {
    const model = randomModel('qwen2');
    const f32 = await loadReferenceEngine(await writeModel(model));
    const q8 = await loadReferenceEngine(
      await writeModel(model, (_name, shape) => (shape.length === 2 ? GGMLType.Q8_0 : GGMLType.F32)),
    );
    expect(f32.info.weightType).toBe('F32');
    expect(q8.info).toMatchObject({ weightType: 'Q8_0', architecture: 'qwen2', name: 'random-qwen2' });
    const run = async (engine: typeof f32) =>
      (
        await engine.forward([
          { seq: engine.createSequence(), tokens: Int32Array.of(1, 2, 3), logitsFor: 'last' },
        ])
      )[0]!;
    const [a, b] = [await run(f32), await run(q8)];
    let error = 0;
    let norm = 0;
    a.forEach((x, i) => {
      error += (x - b[i]!) ** 2;
      norm += x ** 2;
    });
    const relativeL2 = Math.sqrt(error / norm);
    expect(relativeL2).toBeGreaterThan(0);
    expect(relativeL2).toBeLessThan(0.02);
  });

  it('rejects an unknown architecture with UnsupportedError', async () => {
    const model = randomModel('llama');
    model.metadata['general.architecture'] = 'mamba';
    await expect(loadReferenceEngine(await writeModel(model))).rejects.toBeInstanceOf(UnsupportedError);
  });

  it('rejects a missing or misshapen tensor with ModelFormatError naming it', async () => {
    const missing = randomModel('qwen2');
    missing.tensors.delete('blk.1.attn_k.bias');
    await expect(loadReferenceEngine(await writeModel(missing))).rejects.toThrow(/blk\.1\.attn_k\.bias/);
    await expect(loadReferenceEngine(await writeModel(missing))).rejects.toBeInstanceOf(ModelFormatError);

    const misshapen = randomModel('llama');
    const down = misshapen.tensors.get('blk.0.ffn_down.weight')!;
    misshapen.tensors.set('blk.0.ffn_down.weight', {
      shape: [down.shape[1]!, down.shape[0]!],
      data: down.data,
    });
    await expect(loadReferenceEngine(await writeModel(misshapen))).rejects.toThrow(
      /blk\.0\.ffn_down\.weight.*shape/,
    );
  });

  it('rejects a tensor type it cannot dequantize with UnsupportedError', async () => {
    const model = randomModel('llama');
    const file = await writeModel(model);
    const { readGGUF } = await import('../gguf/index.js');
    const header = await readGGUF(file);
    expect(header.tensors.length).toBe(model.tensors.size);
    const iq = path.join(directory, 'iq.gguf');
    await writeGGUF(iq, {
      metadata: header.metadata,
      tensors: header.tensors.map((info) => {
        const tensor = model.tensors.get(info.name)!;
        if (info.name !== 'output.weight') return { ...info, data: quantize(GGMLType.F32, tensor.data) };
        // 64 × 320 values of IQ4_NL: 32-value blocks of 18 bytes.
        return { ...info, type: GGMLType.IQ4_NL, data: new Uint8Array((tensor.data.length / 32) * 18) };
      }),
    });
    await expect(loadReferenceEngine(iq)).rejects.toBeInstanceOf(UnsupportedError);
  });
});
