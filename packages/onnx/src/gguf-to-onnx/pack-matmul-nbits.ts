import { GGMLType, halfToFloat } from '@x/runtime';

/** A GGUF Q4_0 / Q8_0 matrix repacked for com.microsoft MatMulNBits (block 32, default zero points). */
export interface PackedNBits {
  bits: 4 | 8;
  /** (N, K / 32, 32 · bits / 8): unsigned codes, the default zero point (8 or 128) subtracted by the op. */
  blocks: Uint8Array;
  /** (N · K / 32) */
  scales: Float32Array;
  rows: number;
  cols: number;
}

const BLOCK = 32;

/** The GGUF types MatMulNBits represents exactly. */
export const NBITS_TYPES: readonly GGMLType[] = [GGMLType.Q4_0, GGMLType.Q8_0];

/**
 * Repacks ggml blocks without changing a value: Q8_0 (f16 scale, 32 int8) becomes codes q + 128;
 * Q4_0 (f16 scale, nibbles: low = elements 0..15, high = 16..31) becomes pairs (2i low, 2i+1 high).
 * `rowOrder` lists the source row of each output row (a permutation of 0..rows-1).
 */
export function packMatMulNBits(
  type: GGMLType,
  bytes: Uint8Array,
  rows: number,
  cols: number,
  rowOrder?: readonly number[],
): PackedNBits {
  const bits = type === GGMLType.Q8_0 ? 8 : 4;
  const blockBytes = bits === 8 ? 34 : 18;
  const blobBytes = (BLOCK * bits) / 8;
  const blocksPerRow = cols / BLOCK;
  const blocks = new Uint8Array(rows * blocksPerRow * blobBytes);
  const scales = new Float32Array(rows * blocksPerRow);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let row = 0; row < rows; row++) {
    const source = rowOrder?.[row] ?? row;
    for (let b = 0; b < blocksPerRow; b++) {
      const from = (source * blocksPerRow + b) * blockBytes;
      const block = row * blocksPerRow + b;
      const to = block * blobBytes;
      scales[block] = halfToFloat(view.getUint16(from, true));
      if (bits === 8) {
        for (let i = 0; i < BLOCK; i++) blocks[to + i] = bytes[from + 2 + i]! ^ 0x80;
      } else {
        for (let i = 0; i < 16; i++) {
          const element = (j: number) =>
            j < 16 ? bytes[from + 2 + j]! & 15 : bytes[from + 2 + j - 16]! >> 4;
          blocks[to + i] = element(2 * i) | (element(2 * i + 1) << 4);
        }
      }
    }
  }
  return { bits, blocks, scales, rows, cols };
}
