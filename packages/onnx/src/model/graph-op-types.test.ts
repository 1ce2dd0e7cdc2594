import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ModelFormatError } from '@x/core';
import { sharedModelsDir } from '@x/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphBuilder } from '../gguf-to-onnx/graph-builder.js';
import { OnnxDataType } from '../gguf-to-onnx/onnx-proto.js';
import { writeOnnxModel } from '../gguf-to-onnx/write-onnx-model.js';
import { graphOpTypes } from './graph-op-types.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'x-onnx-op-types-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('graphOpTypes', () => {
  it('lists the op types of the shared exports with their domains', async () => {
    const gqa = await graphOpTypes(path.join(sharedModelsDir, 'ort-genai-tiny-gqa-fp16', 'model.onnx'));
    expect(gqa).toContain('com.microsoft:GroupQueryAttention');
    expect(gqa).toContain(':MatMul');
    const gpt2 = await graphOpTypes(
      path.join(sharedModelsDir, 'ort-genai-tiny-random-gpt2-fp32', 'past.onnx'),
    );
    expect(gpt2).toContain('com.microsoft:Attention');
    expect(gpt2).not.toContain('com.microsoft:GroupQueryAttention');
  });

  it('reads past initializers larger than its read window', async () => {
    const g = new GraphBuilder();
    const x = g.input('x', OnnxDataType.FLOAT, [1, 100_000]);
    const weight = g.f32('big', [1, 100_000], new Float32Array(100_000).fill(0.5));
    g.op('Mul', [x, weight], {}, 'y');
    g.output('y', OnnxDataType.FLOAT, [1, 100_000]);
    const file = path.join(dir, 'big.onnx');
    await writeOnnxModel(g, file);
    expect([...(await graphOpTypes(file))]).toEqual([':Mul']);
  });

  it('finds ops inside If branches (merged decoders)', async () => {
    // ModelProto { graph { node { op_type: If, attribute { name, g { node { GroupQueryAttention } } } } } }
    const field = (id: number, ...parts: Buffer[]) => {
      const body = Buffer.concat(parts);
      return Buffer.concat([Buffer.from([(id << 3) | 2, body.length]), body]);
    };
    const text = (id: number, value: string) => field(id, Buffer.from(value));
    const inner = field(1, text(4, 'GroupQueryAttention'), text(7, 'com.microsoft'));
    const branch = field(5, text(1, 'then_branch'), field(6, inner));
    const file = path.join(dir, 'merged.onnx');
    await writeFile(file, field(7, field(1, text(4, 'If'), branch)));
    expect([...(await graphOpTypes(file))].sort()).toEqual([':If', 'com.microsoft:GroupQueryAttention']);
  });

  it('rejects a file that is not an ONNX model with ModelFormatError', async () => {
    const file = path.join(dir, 'truncated.onnx');
    await writeFile(file, Buffer.from([0x3a, 0xff, 0x01, 0x0a]));
    const error = await graphOpTypes(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelFormatError);
    expect((error as ModelFormatError).message).toMatch(/truncated\.onnx.*runs past its message/);
  });
});
