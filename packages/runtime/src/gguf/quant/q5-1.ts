import { halfTableView, readHalf } from './half.js';

// block_q5_1 { f16 d; f16 m; u8 qh[4]; u8 qs[16]; }: x = q * d + m, 5th bits in qh as in Q5_0
const QK = 32;
const BLOCK_BYTES = 24;

export function dequantizeQ5_1(bytes: Uint8Array, count: number): Float32Array {
  const table = halfTableView();
  const out = new Float32Array(count);
  for (let b = 0; b < count / QK; b++) {
    const o = b * BLOCK_BYTES;
    const d = readHalf(table, bytes, o);
    const m = readHalf(table, bytes, o + 2);
    const qh =
      ((bytes[o + 4] as number) |
        ((bytes[o + 5] as number) << 8) |
        ((bytes[o + 6] as number) << 16) |
        ((bytes[o + 7] as number) << 24)) >>>
      0;
    for (let j = 0; j < QK / 2; j++) {
      const q = bytes[o + 8 + j] as number;
      const high0 = ((qh >>> j) << 4) & 0x10;
      const high1 = (qh >>> (j + 12)) & 0x10;
      out[b * QK + j] = ((q & 0x0f) | high0) * d + m;
      out[b * QK + j + QK / 2] = ((q >> 4) | high1) * d + m;
    }
  }
  return out;
}
