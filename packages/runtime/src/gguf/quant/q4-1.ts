import { halfTableView } from './half.js';

// block_q4_1 { f16 d; f16 m; u8 qs[16]; }: x = q * d + m
const QK = 32;
const BLOCK_BYTES = 20;

export function dequantizeQ4_1(bytes: Uint8Array, count: number): Float32Array {
  const table = halfTableView();
  const out = new Float32Array(count);
  for (let b = 0; b < count / QK; b++) {
    const o = b * BLOCK_BYTES;
    const d = table[(bytes[o] as number) | ((bytes[o + 1] as number) << 8)] as number;
    const m = table[(bytes[o + 2] as number) | ((bytes[o + 3] as number) << 8)] as number;
    for (let j = 0; j < QK / 2; j++) {
      const q = bytes[o + 4 + j] as number;
      out[b * QK + j] = (q & 0x0f) * d + m;
      out[b * QK + j + QK / 2] = (q >> 4) * d + m;
    }
  }
  return out;
}
