import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GGMLType } from './ggml-type.js';
import { GGUFValueType } from './gguf-value-type.js';
import { parseGGUF, readGGUF } from './read-gguf.js';
import { sharedModelsDir } from './shared-models-dir.js';
import { readTensor } from './tensor-data.js';
import { serializeGGUF, writeGGUF } from './write-gguf.js';
import { type GGUFMetadataInput, inferGGUFType } from './write-gguf-value.js';

const tmp = await mkdtemp(path.join(tmpdir(), 'x-gguf-write-'));
afterAll(() => rm(tmp, { recursive: true, force: true }));

const everyType: GGUFMetadataInput = {
  u8: { type: GGUFValueType.UINT8, value: 255 },
  i8: { type: GGUFValueType.INT8, value: -128 },
  u16: { type: GGUFValueType.UINT16, value: 65535 },
  i16: { type: GGUFValueType.INT16, value: -32768 },
  u32: { type: GGUFValueType.UINT32, value: 4294967295 },
  i32: { type: GGUFValueType.INT32, value: -2147483648 },
  f32: { type: GGUFValueType.FLOAT32, value: 0.5 },
  bool: true,
  string: 'héllo ✓ 🦙',
  u64: { type: GGUFValueType.UINT64, value: 2n ** 64n - 1n },
  i64: { type: GGUFValueType.INT64, value: -(2n ** 63n) },
  smallU64: { type: GGUFValueType.UINT64, value: 7 },
  f64: 0.1,
  strings: ['a', '', 'ü'],
  floats: { type: GGUFValueType.ARRAY, elementType: GGUFValueType.FLOAT32, value: [0.25, -1.5] },
  ints: { type: GGUFValueType.ARRAY, elementType: GGUFValueType.INT32, value: [1, -2, 3] },
  bools: [true, false],
  nested: [
    [1, 2],
    [3, 4],
  ],
  empty: { type: GGUFValueType.ARRAY, elementType: GGUFValueType.STRING, value: [] },
};

const expected = {
  u8: 255,
  i8: -128,
  u16: 65535,
  i16: -32768,
  u32: 4294967295,
  i32: -2147483648,
  f32: 0.5,
  bool: true,
  string: 'héllo ✓ 🦙',
  u64: 2n ** 64n - 1n,
  i64: -(2n ** 63n),
  smallU64: 7,
  f64: 0.1,
  strings: ['a', '', 'ü'],
  floats: [0.25, -1.5],
  ints: [1, -2, 3],
  bools: [true, false],
  nested: [
    [1, 2],
    [3, 4],
  ],
  empty: [],
};

describe('writeGGUF', () => {
  it('round-trips metadata of every type', () => {
    const file = parseGGUF(serializeGGUF({ metadata: everyType, tensors: [] }));
    expect({ ...file.metadata }).toEqual(expected);
    expect(file.metadataTypes?.f64?.type).toBe(GGUFValueType.FLOAT64);
    expect(file.metadataTypes?.u32?.type).toBe(GGUFValueType.UINT32);
    expect(file.metadataTypes?.i64?.type).toBe(GGUFValueType.INT64);
  });

  it('infers narrow types for plain values', () => {
    expect(inferGGUFType(3)).toEqual({ type: GGUFValueType.UINT32 });
    expect(inferGGUFType(-3)).toEqual({ type: GGUFValueType.INT32 });
    expect(inferGGUFType(1e-5)).toEqual({ type: GGUFValueType.FLOAT64 });
    expect(inferGGUFType([1, -1])).toEqual({ type: GGUFValueType.ARRAY, elementType: GGUFValueType.INT32 });
    expect(inferGGUFType([1, 0.5])).toEqual({
      type: GGUFValueType.ARRAY,
      elementType: GGUFValueType.FLOAT32,
    });
    expect(() => inferGGUFType([1, 'a'])).toThrow(TypeError);
  });

  it('aligns tensor data and round-trips the bytes, streamed or whole', async () => {
    const a = new Uint8Array(12).map((_, i) => i + 1);
    const b = new Uint8Array(34 * 2).map((_, i) => 255 - i);
    for (const alignment of [32, 64]) {
      const out = path.join(tmp, `t${alignment}.gguf`);
      const infos = await writeGGUF(out, {
        alignment,
        metadata: { 'general.architecture': 'test' },
        tensors: [
          { name: 'a', shape: [3], type: GGMLType.F32, data: a },
          { name: 'b', shape: [32, 2], type: GGMLType.Q8_0, data: () => [b.subarray(0, 10), b.subarray(10)] },
        ],
      });
      const file = await readGGUF(out);
      expect(file.alignment).toBe(alignment);
      expect(file.tensors).toEqual(infos);
      for (const tensor of file.tensors) expect(tensor.offset % alignment).toBe(0);
      expect(await readTensor(file, file.tensors[0] as never)).toEqual(a);
      expect(await readTensor(file, file.tensors[1] as never)).toEqual(b);
    }
  });

  it('rejects tensor data of the wrong length', async () => {
    const input = {
      metadata: {},
      tensors: [{ name: 'a', shape: [4], type: GGMLType.F32, data: new Uint8Array(12) }],
    };
    await expect(writeGGUF(path.join(tmp, 'bad.gguf'), input)).rejects.toThrow(/expected 16/);
    expect(() => serializeGGUF(input)).toThrow(/16 bytes/);
  });

  it('rewrites stories260K byte for byte from what the reader returns', async () => {
    const source = path.join(sharedModelsDir, 'stories260K.gguf');
    const original = await readFile(source);
    const file = parseGGUF(original);
    const metadata: GGUFMetadataInput = {};
    for (const [key, value] of Object.entries(file.metadata)) {
      metadata[key] = { ...(file.metadataTypes?.[key] ?? inferGGUFType(value)), value };
    }
    const tensors = file.tensors.map((t) => ({
      ...t,
      data: original.subarray(t.offset, t.offset + t.byteLength),
    }));
    const rewritten = serializeGGUF({ metadata, tensors, alignment: file.alignment });
    expect(rewritten.length).toBe(original.length);
    expect(Buffer.from(rewritten).equals(original)).toBe(true);
  });
});
