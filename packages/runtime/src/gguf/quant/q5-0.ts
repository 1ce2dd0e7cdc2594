import { floatToHalf, halfTableView, readHalf, writeHalfBits } from './half.js';
import { largestMagnitude } from './largest-magnitude.js';

// block_q5_0 { f16 d; u8 qh[4]; u8 qs[16]; }: bit j of qh is the 5th bit of x[j]; x = (q - 16) * d
const QK = 32;
const BLOCK_BYTES = 22;

export function dequantizeQ5_0(bytes: Uint8Array, count: number): Float32Array {
  const table = halfTableView();
  const out = new Float32Array(count);
  for (let b = 0; b < count / QK; b++) {
    const o = b * BLOCK_BYTES;
    const d = readHalf(table, bytes, o);
    const qh =
      ((bytes[o + 2] as number) |
        ((bytes[o + 3] as number) << 8) |
        ((bytes[o + 4] as number) << 16) |
        ((bytes[o + 5] as number) << 24)) >>>
      0;
    for (let j = 0; j < QK / 2; j++) {
      const q = bytes[o + 6 + j] as number;
      const high0 = ((qh >>> j) << 4) & 0x10;
      const high1 = (qh >>> (j + 12)) & 0x10;
      out[b * QK + j] = (((q & 0x0f) | high0) - 16) * d;
      out[b * QK + j + QK / 2] = (((q >> 4) | high1) - 16) * d;
    }
  }
  return out;
}

export function quantizeQ5_0(values: Float32Array): Uint8Array {
  const blocks = values.length / QK;
  const out = new Uint8Array(blocks * BLOCK_BYTES);
  for (let b = 0; b < blocks; b++) {
    const d = largestMagnitude(values, b * QK, QK) / -16;
    const inverse = d ? 1 / d : 0;
    const bits = floatToHalf(d);
    const o = b * BLOCK_BYTES;
    writeHalfBits(out, o, bits);
    let qh = 0;
    for (let j = 0; j < QK / 2; j++) {
      const low = Math.min(31, Math.trunc((values[b * QK + j] as number) * inverse + 16.5));
      const high = Math.min(31, Math.trunc((values[b * QK + j + QK / 2] as number) * inverse + 16.5));
      out[o + 6 + j] = (low & 0x0f) | ((high & 0x0f) << 4);
      qh |= ((low >> 4) << j) | ((high >> 4) << (j + QK / 2));
    }
    out[o + 2] = qh & 0xff;
    out[o + 3] = (qh >>> 8) & 0xff;
    out[o + 4] = (qh >>> 16) & 0xff;
    out[o + 5] = (qh >>> 24) & 0xff;
  }
  return out;
}
