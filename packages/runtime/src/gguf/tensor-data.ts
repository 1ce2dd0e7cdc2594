import { open } from 'node:fs/promises';
import { ModelFormatError, UnsupportedError } from '@x/core';
import { GGMLType, ggmlTypeLayout, ggmlTypeName } from './ggml-type.js';
import { dequantizeBF16, dequantizeF16, dequantizeF32 } from './quant/float.js';
import { dequantizeQ4_0 } from './quant/q4-0.js';
import { dequantizeQ4_1 } from './quant/q4-1.js';
import { dequantizeQ4_K } from './quant/q4-k.js';
import { dequantizeQ5_0 } from './quant/q5-0.js';
import { dequantizeQ5_1 } from './quant/q5-1.js';
import { dequantizeQ5_K } from './quant/q5-k.js';
import { dequantizeQ6_K } from './quant/q6-k.js';
import { dequantizeQ8_0 } from './quant/q8-0.js';
import type { GGUFFile, GGUFTensorInfo } from './read-gguf.js';

type Dequantizer = (bytes: Uint8Array, count: number) => Float32Array;

const dequantizers: Partial<Record<GGMLType, Dequantizer>> = {
  [GGMLType.F32]: dequantizeF32,
  [GGMLType.F16]: dequantizeF16,
  [GGMLType.BF16]: dequantizeBF16,
  [GGMLType.Q8_0]: dequantizeQ8_0,
  [GGMLType.Q4_0]: dequantizeQ4_0,
  [GGMLType.Q4_1]: dequantizeQ4_1,
  [GGMLType.Q5_0]: dequantizeQ5_0,
  [GGMLType.Q5_1]: dequantizeQ5_1,
  [GGMLType.Q4_K]: dequantizeQ4_K,
  [GGMLType.Q5_K]: dequantizeQ5_K,
  [GGMLType.Q6_K]: dequantizeQ6_K,
};

/** The types `dequantize` understands. */
export const DEQUANTIZABLE_TYPES: readonly GGMLType[] = Object.keys(dequantizers).map(Number);

/** The raw bytes of one tensor, read from the file at its offset. */
export async function readTensor(file: GGUFFile, info: GGUFTensorInfo): Promise<Uint8Array> {
  if (file.path === undefined) {
    throw new ModelFormatError(`cannot read tensor ${info.name}: the GGUF has no path`, {
      offset: info.offset,
    });
  }
  const handle = await open(file.path, 'r');
  try {
    const bytes = new Uint8Array(info.byteLength);
    let filled = 0;
    while (filled < info.byteLength) {
      const { bytesRead } = await handle.read(bytes, filled, info.byteLength - filled, info.offset + filled);
      if (bytesRead === 0) {
        throw new ModelFormatError(`tensor ${info.name} data is truncated`, {
          path: file.path,
          offset: info.offset + filled,
          expected: `${info.byteLength} bytes`,
          got: `${filled} bytes`,
        });
      }
      filled += bytesRead;
    }
    return bytes;
  } finally {
    await handle.close();
  }
}

/** Expands `elementCount` values of `type` stored in `bytes` (ggml block layouts) to f32. */
export function dequantize(type: GGMLType, bytes: Uint8Array, elementCount: number): Float32Array {
  const layout = ggmlTypeLayout(type);
  if (layout === undefined) throw new ModelFormatError('unknown tensor type', { got: String(type) });
  const dequantizer = dequantizers[type];
  if (dequantizer === undefined) {
    throw new UnsupportedError(
      `ggml-type-${ggmlTypeName(type)}`,
      `cannot dequantize ${ggmlTypeName(type)} tensors`,
    );
  }
  if (!Number.isSafeInteger(elementCount) || elementCount < 0 || elementCount % layout.blockSize !== 0) {
    throw new ModelFormatError(`${ggmlTypeName(type)} element count is not a whole number of blocks`, {
      expected: `multiple of ${layout.blockSize}`,
      got: String(elementCount),
    });
  }
  const byteLength = (elementCount / layout.blockSize) * layout.typeSize;
  if (bytes.length !== byteLength) {
    throw new ModelFormatError(`${ggmlTypeName(type)} data has the wrong size`, {
      expected: `${byteLength} bytes`,
      got: `${bytes.length} bytes`,
    });
  }
  return dequantizer(bytes, elementCount);
}
