import { halfTableView, readHalf } from './half.js';

// block_q4_1 { f16 d; f16 m; u8 qs[16]; }: x = q * d + m
const QK = 32;
const BLOCK_BYTES = 20;

export function dequantizeQ4_1(bytes: Uint8Array, count: number): Float32Array {
  const table = halfTableView();
  const out = new Float32Array(count);
  for (let b = 0; b < count / QK; b++) {
    const o = b * BLOCK_BYTES;
    const d = readHalf(table, bytes, o);
    const m = readHalf(table, bytes, o + 2);
    for (let j = 0; j < QK / 2; j++) {
      const q = bytes[o + 4 + j] as number;
      out[b * QK + j] = (q & 0x0f) * d + m;
      out[b * QK + j + QK / 2] = (q >> 4) * d + m;
    }
  }
  return out;
}
