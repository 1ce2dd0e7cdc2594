import { open } from 'node:fs/promises';
import { ByteWriter } from './byte-writer.js';
import { type GGMLType, ggmlTypeLayout, ggmlTypeName } from './ggml-type.js';
import { GGUFValueType } from './gguf-value-type.js';
import type { GGUFTensorInfo } from './read-gguf.js';
import { type GGUFMetadataInput, typedValue, writeGGUFValue } from './write-gguf-value.js';

/** Tensor bytes, given at once or produced in chunks when the writer reaches the tensor. */
export type GGUFTensorSource = Uint8Array | (() => Iterable<Uint8Array> | AsyncIterable<Uint8Array>);

export interface GGUFTensorInput {
  name: string;
  /** ggml order: shape[0] is the fastest-varying dimension. */
  shape: number[];
  type: GGMLType;
  data: GGUFTensorSource;
}

export interface GGUFWriteInput {
  metadata: GGUFMetadataInput;
  tensors: GGUFTensorInput[];
  /** Data alignment; written as general.alignment when not 32. */
  alignment?: number;
}

export interface GGUFHeader {
  /** Header bytes, padded up to the data section. */
  bytes: Uint8Array;
  dataOffset: number;
  tensors: GGUFTensorInfo[];
}

/** Lays out a v3 header: metadata, tensor infos with aligned offsets, padding to the data section. */
export function encodeGGUFHeader(input: GGUFWriteInput): GGUFHeader {
  const alignment = input.alignment ?? 32;
  if (!Number.isInteger(alignment) || alignment <= 0 || (alignment & (alignment - 1)) !== 0) {
    throw new RangeError(`alignment must be a power of two, got ${alignment}`);
  }
  const metadata = { ...input.metadata };
  if (alignment !== 32 && metadata['general.alignment'] === undefined) {
    metadata['general.alignment'] = { type: GGUFValueType.UINT32, value: alignment };
  }
  const writer = new ByteWriter();
  writer.u32(0x46554747);
  writer.u32(3);
  writer.u64(input.tensors.length);
  writer.u64(Object.keys(metadata).length);
  for (const [key, entry] of Object.entries(metadata)) {
    const { type, value, elementType } = typedValue(entry);
    writer.string(key);
    writer.u32(type);
    writeGGUFValue(writer, type, value, elementType);
  }
  const relative: Array<Omit<GGUFTensorInfo, 'offset'> & { relative: number }> = [];
  let next = 0;
  for (const tensor of input.tensors) {
    const byteLength = tensorByteLength(tensor);
    relative.push({ name: tensor.name, shape: tensor.shape, type: tensor.type, byteLength, relative: next });
    writer.string(tensor.name);
    writer.u32(tensor.shape.length);
    for (const size of tensor.shape) writer.u64(size);
    writer.u32(tensor.type);
    writer.u64(next);
    next += Math.ceil(byteLength / alignment) * alignment;
  }
  writer.padTo(alignment);
  const dataOffset = writer.length;
  const tensors = relative.map(({ relative: offset, ...info }) => ({ ...info, offset: dataOffset + offset }));
  return { bytes: writer.bytes(), dataOffset, tensors };
}

function tensorByteLength(tensor: GGUFTensorInput): number {
  const layout = ggmlTypeLayout(tensor.type);
  if (layout === undefined) throw new RangeError(`tensor ${tensor.name}: unknown type ${tensor.type}`);
  if (
    tensor.shape.length < 1 ||
    tensor.shape.length > 4 ||
    tensor.shape.some((d) => !Number.isSafeInteger(d) || d < 0)
  ) {
    throw new RangeError(`tensor ${tensor.name}: bad shape [${tensor.shape.join(', ')}]`);
  }
  if ((tensor.shape[0] as number) % layout.blockSize !== 0) {
    throw new RangeError(
      `tensor ${tensor.name}: row of ${tensor.shape[0]} is not whole ${ggmlTypeName(tensor.type)} blocks`,
    );
  }
  const elements = tensor.shape.reduce((a, b) => a * b, 1);
  return (elements / layout.blockSize) * layout.typeSize;
}

async function* chunks(tensor: GGUFTensorInput): AsyncIterable<Uint8Array> {
  if (tensor.data instanceof Uint8Array) {
    yield tensor.data;
    return;
  }
  yield* tensor.data();
}

/** Writes a GGUF v3 file, streaming each tensor's chunks so a large model never sits in memory whole. */
export async function writeGGUF(path: string, input: GGUFWriteInput): Promise<GGUFTensorInfo[]> {
  const header = encodeGGUFHeader(input);
  const alignment = input.alignment ?? 32;
  const handle = await open(path, 'w');
  try {
    let position = 0;
    const write = async (bytes: Uint8Array) => {
      let done = 0;
      while (done < bytes.length) {
        const { bytesWritten } = await handle.write(bytes, done, bytes.length - done, position);
        done += bytesWritten;
        position += bytesWritten;
      }
    };
    await write(header.bytes);
    for (const [i, tensor] of input.tensors.entries()) {
      const info = header.tensors[i] as GGUFTensorInfo;
      let written = 0;
      for await (const chunk of chunks(tensor)) {
        written += chunk.length;
        if (written > info.byteLength) break;
        await write(chunk);
      }
      if (written !== info.byteLength) {
        throw new RangeError(
          `tensor ${tensor.name}: got ${written} bytes of data, expected ${info.byteLength}`,
        );
      }
      const padding = (alignment - (written % alignment)) % alignment;
      if (padding > 0 && i < input.tensors.length - 1) await write(new Uint8Array(padding));
    }
  } finally {
    await handle.close();
  }
  return header.tensors;
}

/** The whole file in memory (tests, small models); every tensor's data must be a Uint8Array. */
export function serializeGGUF(input: GGUFWriteInput): Uint8Array {
  const header = encodeGGUFHeader(input);
  const last = header.tensors.at(-1);
  const size = last === undefined ? header.bytes.length : last.offset + last.byteLength;
  const out = new Uint8Array(size);
  out.set(header.bytes);
  for (const [i, tensor] of input.tensors.entries()) {
    const info = header.tensors[i] as GGUFTensorInfo;
    if (!(tensor.data instanceof Uint8Array) || tensor.data.length !== info.byteLength) {
      throw new RangeError(
        `tensor ${tensor.name}: serializeGGUF needs exactly ${info.byteLength} bytes of data`,
      );
    }
    out.set(tensor.data, info.offset);
  }
  return out;
}
