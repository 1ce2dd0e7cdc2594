import { halfTableView, readHalf } from './half.js';
import { K_SCALE_BYTES, scaleMinK4 } from './k-scale-min.js';

// block_q5_K { f16 d; f16 dmin; u8 scales[12]; u8 qh[32]; u8 qs[128]; }: Q4_K plus a 5th bit per value,
// bit 2i of qh[l] for sub-block 2i's value l and bit 2i+1 for sub-block 2i+1's.
const QK_K = 256;
const BLOCK_BYTES = 176;

export function dequantizeQ5_K(bytes: Uint8Array, count: number): Float32Array {
  const table = halfTableView();
  const out = new Float32Array(count);
  for (let b = 0; b < count / QK_K; b++) {
    const o = b * BLOCK_BYTES;
    const d = readHalf(table, bytes, o);
    const dmin = readHalf(table, bytes, o + 2);
    const qh = o + 4 + K_SCALE_BYTES;
    const qs = qh + 32;
    for (let pair = 0; pair < 4; pair++) {
      const [scale0, min0] = scaleMinK4(bytes, o + 4, 2 * pair);
      const [scale1, min1] = scaleMinK4(bytes, o + 4, 2 * pair + 1);
      const bit0 = 1 << (2 * pair);
      const bit1 = 2 << (2 * pair);
      const y = b * QK_K + pair * 64;
      for (let l = 0; l < 32; l++) {
        const q = bytes[qs + pair * 32 + l] as number;
        const high = bytes[qh + l] as number;
        out[y + l] = d * scale0 * ((q & 0x0f) + (high & bit0 ? 16 : 0)) - dmin * min0;
        out[y + 32 + l] = d * scale1 * ((q >> 4) + (high & bit1 ? 16 : 0)) - dmin * min1;
      }
    }
  }
  return out;
}
