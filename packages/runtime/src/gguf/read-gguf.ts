import { open } from 'node:fs/promises';
import { ModelFormatError } from '@x/core';
import { ByteCursor, NeedMoreBytes } from './byte-cursor.js';
import { type GGMLType, ggmlTypeLayout, ggmlTypeName } from './ggml-type.js';
import { GGUFValueType } from './gguf-value-type.js';
import { type GGUFValue, readGGUFValue, skipGGUFValue } from './read-gguf-value.js';

export { GGMLType } from './ggml-type.js';
export type { GGUFValue } from './read-gguf-value.js';

export interface GGUFTensorInfo {
  name: string;
  /** ggml order: shape[0] is the fastest-varying dimension. */
  shape: number[];
  type: GGMLType;
  /** Absolute byte offset of the tensor's data in the file. */
  offset: number;
  byteLength: number;
}

export interface GGUFFile {
  path?: string;
  version: number;
  alignment: number;
  /** Absolute offset of the (aligned) tensor data section. */
  dataOffset: number;
  metadata: Record<string, GGUFValue>;
  /** The stored type of each metadata value (and of an array's elements), so a copy can keep them. */
  metadataTypes?: Record<string, GGUFMetadataType>;
  tensors: GGUFTensorInfo[];
}

export interface GGUFMetadataType {
  type: GGUFValueType;
  elementType?: GGUFValueType;
}

const MAGIC = 0x46554747; // "GGUF" read as a little-endian u32
const DEFAULT_ALIGNMENT = 32;
const MAX_DIMS = 4;
const MIN_KV_BYTES = 8 + 4 + 1;
const MIN_TENSOR_INFO_BYTES = 8 + 4 + 4 + 8;
const INITIAL_WINDOW = 8 << 20;

export interface ReadGGUFOptions {
  /**
   * Which metadata values to decode (default: all). The others are stepped over, bounds-checked but
   * not decoded, and left out of `metadata`: a loader that needs only the hyperparameters skips the
   * tokenizer's arrays, most of a header's parse time. general.alignment is always read.
   */
  keys?: (key: string) => boolean;
}

/** The keys a loader checking only the hyperparameters needs: everything outside `tokenizer.*`. */
export const modelKeys = (key: string): boolean => !key.startsWith('tokenizer.');

/** Parses a GGUF header from `bytes` (the file's start; `fileSize` when bytes hold only a prefix). */
export function parseGGUF(
  bytes: Uint8Array,
  options: ReadGGUFOptions & { path?: string; fileSize?: number } = {},
): GGUFFile {
  try {
    return parseWindow(bytes, options.fileSize ?? bytes.length, options.path, options.keys);
  } catch (error) {
    if (!(error instanceof NeedMoreBytes)) throw error;
    throw new ModelFormatError('header extends past the bytes given', {
      path: options.path,
      offset: bytes.length,
      expected: `${error.needed} bytes`,
      got: `${bytes.length} bytes`,
    });
  }
}

/** Reads only the header region of a GGUF file, growing the read window until the header fits. */
export async function readGGUF(path: string, options: ReadGGUFOptions = {}): Promise<GGUFFile> {
  const handle = await open(path, 'r').catch((cause: NodeJS.ErrnoException) => {
    throw new ModelFormatError(`cannot open: ${cause.code ?? cause.message}`, { path, cause });
  });
  try {
    if (!(await handle.stat()).isFile())
      throw new ModelFormatError('not a regular file', {
        path,
        expected: 'a GGUF file',
        got: 'a directory or device',
      });
    const fileSize = (await handle.stat()).size;
    let windowSize = Math.min(fileSize, INITIAL_WINDOW);
    for (;;) {
      const window = new Uint8Array(windowSize);
      const { bytesRead } = await handle.read(window, 0, windowSize, 0);
      try {
        return parseWindow(window.subarray(0, bytesRead), fileSize, path, options.keys);
      } catch (error) {
        if (!(error instanceof NeedMoreBytes) || bytesRead < windowSize) throw error;
        windowSize = Math.min(fileSize, Math.max(windowSize * 4, error.needed));
      }
    }
  } finally {
    await handle.close();
  }
}

function parseWindow(
  bytes: Uint8Array,
  fileSize: number,
  path: string | undefined,
  keys: ((key: string) => boolean) | undefined,
): GGUFFile {
  const cursor = new ByteCursor(bytes, fileSize, path);
  const magic = cursor.u32('magic');
  if (magic !== MAGIC) {
    cursor.fail('not a GGUF file', { offset: 0, expected: 'magic "GGUF"', got: `0x${magic.toString(16)}` });
  }
  const version = cursor.u32('version');
  if (version !== 2 && version !== 3) {
    const got = version > 0xffff ? `${version} (big-endian files are not supported)` : String(version);
    cursor.fail('unsupported GGUF version', { offset: 4, expected: '2 or 3', got });
  }
  const tensorCount = cursor.count('tensor count', MIN_TENSOR_INFO_BYTES);
  const kvCount = cursor.count('metadata count', MIN_KV_BYTES);
  const metadata: Record<string, GGUFValue> = {};
  const metadataTypes: Record<string, GGUFMetadataType> = {};
  const seen = new Set<string>();
  for (let i = 0; i < kvCount; i++) {
    const keyAt = cursor.pos;
    const key = cursor.string('metadata key');
    if (seen.has(key)) cursor.fail('duplicate metadata key', { offset: keyAt, got: key });
    seen.add(key);
    const type = cursor.u32('metadata value type');
    if (keys !== undefined && key !== 'general.alignment' && !keys(key)) {
      skipGGUFValue(cursor, type);
      continue;
    }
    const elementAt = cursor.pos;
    const value = readGGUFValue(cursor, type);
    const elementType =
      type === GGUFValueType.ARRAY
        ? new DataView(bytes.buffer, bytes.byteOffset).getUint32(elementAt, true)
        : undefined;
    // defineProperty: a key named "__proto__" must stay data, not reach the prototype
    define(metadata, key, value);
    define(metadataTypes, key, elementType === undefined ? { type } : { type, elementType });
  }
  const alignment = readAlignment(cursor, metadata);
  const infos: Array<Omit<GGUFTensorInfo, 'offset'> & { relative: number; at: number }> = [];
  for (let i = 0; i < tensorCount; i++) infos.push(readTensorInfo(cursor));
  const dataOffset = Math.ceil(cursor.pos / alignment) * alignment;
  const tensors = infos.map(({ relative, at, ...info }) => {
    if (relative % alignment !== 0) {
      cursor.fail(`tensor ${info.name} data is misaligned`, {
        offset: at,
        expected: `multiple of ${alignment}`,
        got: String(relative),
      });
    }
    const offset = dataOffset + relative;
    if (offset + info.byteLength > fileSize) {
      cursor.fail(`tensor ${info.name} data lies outside the file`, {
        offset: at,
        expected: `end <= ${fileSize}`,
        got: String(offset + info.byteLength),
      });
    }
    return { ...info, offset };
  });
  checkOverlaps(cursor, tensors);
  const file: GGUFFile = { version, alignment, dataOffset, metadata, metadataTypes, tensors };
  if (path !== undefined) file.path = path;
  return file;
}

function define<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function readAlignment(cursor: ByteCursor, metadata: Record<string, GGUFValue>): number {
  const value = metadata['general.alignment'];
  if (value === undefined) return DEFAULT_ALIGNMENT;
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0 || (value & (value - 1)) !== 0) {
    cursor.fail('general.alignment must be a power of two', { expected: 'power of two', got: String(value) });
  }
  return value;
}

function readTensorInfo(
  cursor: ByteCursor,
): Omit<GGUFTensorInfo, 'offset'> & { relative: number; at: number } {
  const at = cursor.pos;
  const name = cursor.string('tensor name');
  const dims = cursor.u32('tensor dimension count');
  if (dims < 1 || dims > MAX_DIMS) {
    cursor.fail(`tensor ${name} has a bad dimension count`, {
      expected: `1..${MAX_DIMS}`,
      got: String(dims),
    });
  }
  const shape: number[] = [];
  let elements = 1;
  for (let d = 0; d < dims; d++) {
    const size = cursor.u64('tensor dimension');
    if (size > BigInt(Number.MAX_SAFE_INTEGER))
      cursor.fail(`tensor ${name} dimension too large`, { got: size.toString() });
    shape.push(Number(size));
    elements *= Number(size);
  }
  const typeAt = cursor.pos;
  const type = cursor.u32('tensor type');
  const layout = ggmlTypeLayout(type);
  if (layout === undefined)
    cursor.fail(`tensor ${name} has an unknown type`, { offset: typeAt, got: String(type) });
  if ((shape[0] as number) % layout.blockSize !== 0) {
    cursor.fail(`tensor ${name} row is not a whole number of ${ggmlTypeName(type)} blocks`, {
      offset: typeAt,
      expected: `multiple of ${layout.blockSize}`,
      got: String(shape[0]),
    });
  }
  const byteLength = (elements / layout.blockSize) * layout.typeSize;
  if (!Number.isSafeInteger(byteLength)) cursor.fail(`tensor ${name} is too large`, { got: shape.join('x') });
  const relative = cursor.u64('tensor offset');
  if (relative > BigInt(cursor.fileSize)) {
    cursor.fail(`tensor ${name} data lies outside the file`, {
      expected: `<= ${cursor.fileSize}`,
      got: relative.toString(),
    });
  }
  return { name, shape, type: type as GGMLType, byteLength, relative: Number(relative), at };
}

function checkOverlaps(cursor: ByteCursor, tensors: GGUFTensorInfo[]): void {
  const sorted = [...tensors].sort((a, b) => a.offset - b.offset);
  const names = new Set<string>();
  for (let i = 0; i < sorted.length; i++) {
    const tensor = sorted[i] as GGUFTensorInfo;
    if (names.has(tensor.name))
      cursor.fail('duplicate tensor name', { offset: tensor.offset, got: tensor.name });
    names.add(tensor.name);
    const next = sorted[i + 1];
    if (next !== undefined && tensor.offset + tensor.byteLength > next.offset) {
      cursor.fail(`tensors ${tensor.name} and ${next.name} overlap`, {
        offset: next.offset,
        expected: `start >= ${tensor.offset + tensor.byteLength}`,
        got: String(next.offset),
      });
    }
  }
}
