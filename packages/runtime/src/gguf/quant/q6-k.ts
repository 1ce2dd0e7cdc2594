import { floatToHalf, halfTableView, readHalf, writeHalfBits } from './half.js';

// block_q6_K { u8 ql[128]; u8 qh[64]; int8 scales[16]; f16 d; } over 256 values in 16 sub-blocks of 16:
// x = d * scale * (q - 32), q 6 bits: 4 from ql, 2 from qh. Each half of 128 values uses 64 ql, 32 qh, 8 scales.
const QK_K = 256;
const BLOCK_BYTES = 210;
const QL = 0;
const QH = 128;
const SCALES = 192;
const D = 208;

export function dequantizeQ6_K(bytes: Uint8Array, count: number): Float32Array {
  const table = halfTableView();
  const out = new Float32Array(count);
  for (let b = 0; b < count / QK_K; b++) {
    const o = b * BLOCK_BYTES;
    const d = readHalf(table, bytes, o + D);
    for (let half = 0; half < 2; half++) {
      const ql = o + QL + half * 64;
      const qh = o + QH + half * 32;
      const sc = o + SCALES + half * 8;
      const y = b * QK_K + half * 128;
      for (let l = 0; l < 32; l++) {
        const is = l >> 4;
        const low0 = bytes[ql + l] as number;
        const low1 = bytes[ql + l + 32] as number;
        const high = bytes[qh + l] as number;
        const q1 = ((low0 & 0x0f) | ((high & 3) << 4)) - 32;
        const q2 = ((low1 & 0x0f) | (((high >> 2) & 3) << 4)) - 32;
        const q3 = ((low0 >> 4) | (((high >> 4) & 3) << 4)) - 32;
        const q4 = ((low1 >> 4) | (((high >> 6) & 3) << 4)) - 32;
        out[y + l] = d * signed(bytes[sc + is]) * q1;
        out[y + l + 32] = d * signed(bytes[sc + is + 2]) * q2;
        out[y + l + 64] = d * signed(bytes[sc + is + 4]) * q3;
        out[y + l + 96] = d * signed(bytes[sc + is + 6]) * q4;
      }
    }
  }
  return out;
}

function signed(byte: number | undefined): number {
  return ((byte as number) << 24) >> 24;
}

/** A simple Q6_K: per-sub-block absmax scale, int8 scales relative to the block's largest. */
export function quantizeQ6_K(values: Float32Array): Uint8Array {
  const table = halfTableView();
  const blocks = values.length / QK_K;
  const out = new Uint8Array(blocks * BLOCK_BYTES);
  const scales = new Float32Array(16);
  for (let b = 0; b < blocks; b++) {
    const x = b * QK_K;
    for (let s = 0; s < 16; s++) {
      let amax = 0;
      for (let l = 0; l < 16; l++) amax = Math.max(amax, Math.abs(values[x + s * 16 + l] as number));
      scales[s] = amax / 31;
    }
    const o = b * BLOCK_BYTES;
    const dBits = floatToHalf(maxOf(scales) / 127);
    writeHalfBits(out, o + D, dBits);
    const d = table[dBits] as number;
    for (let s = 0; s < 16; s++) {
      const code = d ? Math.min(127, Math.ceil((scales[s] as number) / d)) : 0;
      out[o + SCALES + s] = code;
      const step = d * code;
      const inverse = step ? 1 / step : 0;
      for (let l = 0; l < 16; l++) {
        const index = s * 16 + l;
        const q = Math.max(0, Math.min(63, Math.round((values[x + index] as number) * inverse) + 32));
        const half = index >> 7;
        const within = index & 127;
        const l32 = within & 31;
        const group = within >> 5;
        const ql = o + QL + half * 64 + l32 + (group & 1 ? 32 : 0);
        out[ql] = (out[ql] as number) | (group < 2 ? q & 0x0f : (q & 0x0f) << 4);
        const qh = o + QH + half * 32 + l32;
        out[qh] = (out[qh] as number) | ((q >> 4) << (2 * group));
      }
    }
  }
  return out;
}

function maxOf(values: Float32Array): number {
  let max = 0;
  for (let i = 0; i < values.length; i++) max = Math.max(max, values[i] as number);
  return max;
}
