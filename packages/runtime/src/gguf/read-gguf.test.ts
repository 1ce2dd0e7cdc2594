import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ModelFormatError } from '@x/core';
import { afterAll, describe, expect, it } from 'vitest';
import { ByteWriter } from './byte-writer.js';
import { GGMLType } from './ggml-type.js';
import { GGUFValueType } from './gguf-value-type.js';
import { modelKeys, parseGGUF, readGGUF } from './read-gguf.js';
import { sharedModelsDir } from './shared-models-dir.js';
import { serializeGGUF } from './write-gguf.js';

const stories = path.join(sharedModelsDir, 'stories260K.gguf');
const tmp = await mkdtemp(path.join(tmpdir(), 'x-gguf-read-'));
afterAll(() => rm(tmp, { recursive: true, force: true }));

function header(version: number, tensors: bigint, kvs: bigint): ByteWriter {
  const writer = new ByteWriter();
  writer.u32(0x46554747);
  writer.u32(version);
  writer.u64(tensors);
  writer.u64(kvs);
  return writer;
}

function expectFormatError(bytes: Uint8Array, pattern: RegExp): ModelFormatError {
  try {
    parseGGUF(bytes, { path: 'test.gguf' });
  } catch (error) {
    expect(error).toBeInstanceOf(ModelFormatError);
    expect((error as Error).message).toMatch(pattern);
    return error as ModelFormatError;
  }
  throw new Error('expected a ModelFormatError');
}

describe('readGGUF', () => {
  it('reads the stories260K header', async () => {
    const file = await readGGUF(stories);
    expect(file.version).toBe(3);
    expect(file.alignment).toBe(32);
    expect(file.metadata['general.architecture']).toBe('llama');
    expect(file.metadata['llama.block_count']).toBe(5);
    expect(file.metadata['llama.embedding_length']).toBe(64);
    expect(file.metadata['llama.attention.head_count_kv']).toBe(4);
    expect(file.metadataTypes?.['llama.block_count']).toEqual({ type: GGUFValueType.UINT32 });
    expect(file.metadataTypes?.['tokenizer.ggml.tokens']).toEqual({
      type: GGUFValueType.ARRAY,
      elementType: GGUFValueType.STRING,
    });
    expect((file.metadata['tokenizer.ggml.tokens'] as string[]).length).toBe(512);
    expect(file.tensors).toHaveLength(48);
    const embedding = file.tensors.find((t) => t.name === 'token_embd.weight');
    expect(embedding).toMatchObject({ shape: [64, 512], type: GGMLType.F32, byteLength: 64 * 512 * 4 });
    expect(file.dataOffset % 32).toBe(0);
    for (const tensor of file.tensors) expect(tensor.offset % 32).toBe(0);
    const size = (await readFile(stories)).length;
    expect(Math.max(...file.tensors.map((t) => t.offset + t.byteLength))).toBeLessThanOrEqual(size);
  });

  it('steps over the values a `keys` filter leaves out, and reads the rest as a whole read does', async () => {
    const whole = await readGGUF(stories);
    const model = await readGGUF(stories, { keys: modelKeys });
    expect(Object.keys(whole.metadata).some((key) => key.startsWith('tokenizer.'))).toBe(true);
    expect(model.metadata).toEqual(
      Object.fromEntries(Object.entries(whole.metadata).filter(([key]) => !key.startsWith('tokenizer.'))),
    );
    expect(model.tensors).toEqual(whole.tensors);
    expect(model.dataOffset).toBe(whole.dataOffset);
    const none = await readGGUF(stories, { keys: () => false });
    expect(none.metadata).toEqual({});
    expect(none.tensors).toEqual(whole.tensors);
  });

  it('reads a 32000-token F16 model', async () => {
    const file = await readGGUF(path.join(sharedModelsDir, 'llama-2-tiny-random.gguf'));
    const tokens = file.metadata['tokenizer.ggml.tokens'] as string[];
    expect(tokens).toHaveLength(32000);
    expect(tokens[1]).toBe('<s>');
    // A string that is only a byte-order mark is a real token (Llama 2 id 30143), not an empty one.
    expect(tokens[30143]).toBe('\ufeff');
    expect(file.tensors.some((t) => t.type === GGMLType.F16)).toBe(true);
  });

  it('reads only the header of a large sparse file', async () => {
    const sparse = path.join(tmp, 'sparse.gguf');
    const bytes = serializeGGUF({ metadata: { 'general.architecture': 'llama' }, tensors: [] });
    const writer = header(3, 1n, 0n);
    writer.string('big');
    writer.u32(1);
    writer.u64(1n << 30n);
    writer.u32(GGMLType.F32);
    writer.u64(0n);
    writer.padTo(32);
    await writeFile(sparse, writer.bytes());
    const handle = await open(sparse, 'r+');
    await handle.truncate(writer.length + 4 * 2 ** 30);
    await handle.close();
    const file = await readGGUF(sparse);
    expect(file.tensors[0]).toMatchObject({ name: 'big', byteLength: 4 * 2 ** 30, offset: writer.length });
    expect(parseGGUF(bytes).metadata['general.architecture']).toBe('llama');
  });

  it('grows the read window for headers larger than the first read', async () => {
    const out = path.join(tmp, 'big-header.gguf');
    const tokens = Array.from({ length: 400_000 }, (_, i) => `token-${i}-ĝ`);
    const bytes = serializeGGUF({
      metadata: { 'tokenizer.ggml.tokens': tokens },
      tensors: [{ name: 'w', shape: [4], type: GGMLType.F32, data: new Uint8Array(16).fill(7) }],
    });
    expect(bytes.length).toBeGreaterThan(8 << 20);
    await writeFile(out, bytes);
    const file = await readGGUF(out);
    expect(file.metadata['tokenizer.ggml.tokens']).toEqual(tokens);
    expect(file.tensors[0]?.offset).toBe(bytes.length - 16);
  });
});

describe('parseGGUF errors', () => {
  it('rejects bad magic and versions', () => {
    const bad = header(3, 0n, 0n).bytes().slice();
    bad[0] = 0x47 + 1;
    expectFormatError(bad, /not a GGUF file/);
    expect(expectFormatError(header(1, 0n, 0n).bytes(), /unsupported GGUF version/).expected).toBe('2 or 3');
    expectFormatError(header(0x03000000, 0n, 0n).bytes(), /big-endian/);
    expect(parseGGUF(header(2, 0n, 0n).bytes()).version).toBe(2);
  });

  it('rejects truncation and absurd counts before allocating', () => {
    expectFormatError(new Uint8Array([0x47, 0x47]), /truncated magic/);
    const error = expectFormatError(header(3, 0n, 2n ** 60n).bytes(), /metadata count is larger/);
    expect(error.offset).toBe(16);
    expectFormatError(header(3, 2n ** 40n, 0n).bytes(), /tensor count is larger/);
    const string = header(3, 0n, 1n);
    string.u64(2n ** 50n);
    string.u64(0n);
    string.u64(0n);
    expectFormatError(string.bytes(), /metadata key length is larger/);
    const array = header(3, 0n, 1n);
    array.string('a');
    array.u32(GGUFValueType.ARRAY);
    array.u32(GGUFValueType.UINT64);
    array.u64(1000n);
    expectFormatError(array.bytes(), /array length is larger/);
  });

  it('rejects unknown value and tensor types', () => {
    const value = header(3, 0n, 1n);
    value.string('a');
    value.u32(13);
    expectFormatError(value.bytes(), /unknown metadata value type/);
    const tensor = header(3, 1n, 0n);
    tensor.string('t');
    tensor.u32(1);
    tensor.u64(32n);
    tensor.u32(4);
    tensor.u64(0n);
    tensor.padTo(32);
    expectFormatError(tensor.bytes(), /unknown type/);
  });

  it('rejects tensors outside the file, misaligned, overlapping or partial blocks', () => {
    const data = (name: string, offset: bigint, elements = 8n, type = GGMLType.F32) => {
      const writer = header(3, 1n, 0n);
      writer.string(name);
      writer.u32(1);
      writer.u64(elements);
      writer.u32(type);
      writer.u64(offset);
      writer.padTo(32);
      return writer;
    };
    expectFormatError(data('t', 0n).bytes(), /outside the file/);
    const misaligned = data('t', 4n);
    misaligned.u64(0n);
    expectFormatError(
      new Uint8Array(misaligned.bytes().length + 64).fill(0).map((_, i) => misaligned.bytes()[i] ?? 0),
      /misaligned/,
    );
    expectFormatError(data('t', 0n, 33n, GGMLType.Q8_0).bytes(), /whole number of Q8_0 blocks/);
    const two = header(3, 2n, 0n);
    for (const name of ['a', 'b']) {
      two.string(name);
      two.u32(1);
      two.u64(16n);
      two.u32(GGMLType.F32);
      two.u64(0n);
    }
    two.padTo(32);
    expectFormatError(
      new Uint8Array(two.length + 64).map((_, i) => two.bytes()[i] ?? 0),
      /overlap/,
    );
  });

  it('keeps a "__proto__" key as plain data', () => {
    const writer = header(3, 0n, 1n);
    writer.string('__proto__');
    writer.u32(GGUFValueType.STRING);
    writer.string('x');
    const file = parseGGUF(writer.bytes());
    expect(Object.getPrototypeOf(file.metadata)).toBe(Object.prototype);
    expect(Object.hasOwn(file.metadata, '__proto__')).toBe(true);
    // biome-ignore lint/suspicious/noProto: the test is about a key literally named __proto__
    expect(file.metadata.__proto__).toBe('x');
  });

  it('rejects a bad general.alignment', () => {
    const bytes = serializeGGUF({ metadata: { 'general.alignment': 48 }, tensors: [] });
    expectFormatError(bytes, /power of two/);
  });

  it('reports a prefix that ends inside the header', async () => {
    const bytes = await readFile(stories);
    const error = expectFormatError(bytes.subarray(0, 100), /larger than the remaining bytes/);
    expectFormatError(bytes.subarray(0, 12), /truncated tensor count/);
    expect(error.path).toBe('test.gguf');
    expect(() => parseGGUF(bytes.subarray(0, 5000), { fileSize: bytes.length })).toThrow(
      /header extends past/,
    );
  });
});
