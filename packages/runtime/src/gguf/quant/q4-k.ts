import { floatToHalf, halfTableView, readHalf, writeHalfBits } from './half.js';
import { K_SCALE_BYTES, packScaleMinK4, scaleMinK4 } from './k-scale-min.js';

// block_q4_K { f16 d; f16 dmin; u8 scales[12]; u8 qs[128]; } over 256 values in 8 sub-blocks of 32:
// x = d * scale_j * q - dmin * min_j; each 32 bytes of qs hold sub-block 2i (low nibbles) and 2i+1 (high).
const QK_K = 256;
const BLOCK_BYTES = 144;

export function dequantizeQ4_K(bytes: Uint8Array, count: number): Float32Array {
  const table = halfTableView();
  const out = new Float32Array(count);
  for (let b = 0; b < count / QK_K; b++) {
    const o = b * BLOCK_BYTES;
    const d = readHalf(table, bytes, o);
    const dmin = readHalf(table, bytes, o + 2);
    const qs = o + 4 + K_SCALE_BYTES;
    for (let pair = 0; pair < 4; pair++) {
      const [scale0, min0] = scaleMinK4(bytes, o + 4, 2 * pair);
      const [scale1, min1] = scaleMinK4(bytes, o + 4, 2 * pair + 1);
      const y = b * QK_K + pair * 64;
      for (let l = 0; l < 32; l++) {
        const q = bytes[qs + pair * 32 + l] as number;
        out[y + l] = d * scale0 * (q & 0x0f) - dmin * min0;
        out[y + 32 + l] = d * scale1 * (q >> 4) - dmin * min1;
      }
    }
  }
  return out;
}

/** A simple (not llama.cpp's searched) Q4_K: per-sub-block min/max, 6-bit scales relative to the block max. */
export function quantizeQ4_K(values: Float32Array): Uint8Array {
  const table = halfTableView();
  const blocks = values.length / QK_K;
  const out = new Uint8Array(blocks * BLOCK_BYTES);
  const scales = new Float32Array(8);
  const mins = new Float32Array(8);
  const scaleCodes = new Uint8Array(8);
  const minCodes = new Uint8Array(8);
  for (let b = 0; b < blocks; b++) {
    const x = b * QK_K;
    for (let j = 0; j < 8; j++) {
      let low = 0;
      let high = 0;
      for (let l = 0; l < 32; l++) {
        const v = values[x + j * 32 + l] as number;
        low = Math.min(low, v);
        high = Math.max(high, v);
      }
      scales[j] = (high - low) / 15;
      mins[j] = -low;
    }
    const maxScale = maxOf(scales);
    const maxMin = maxOf(mins);
    const o = b * BLOCK_BYTES;
    const dBits = floatToHalf(maxScale / 63);
    const dminBits = floatToHalf(maxMin / 63);
    writeHalfBits(out, o, dBits);
    writeHalfBits(out, o + 2, dminBits);
    const d = table[dBits] as number;
    const dmin = table[dminBits] as number;
    for (let j = 0; j < 8; j++) {
      scaleCodes[j] = d ? Math.min(63, Math.ceil((scales[j] as number) / d)) : 0;
      minCodes[j] = dmin ? Math.min(63, Math.round((mins[j] as number) / dmin)) : 0;
    }
    packScaleMinK4(out, o + 4, scaleCodes, minCodes);
    const qs = o + 4 + K_SCALE_BYTES;
    for (let j = 0; j < 8; j++) {
      const step = d * (scaleCodes[j] as number);
      const offset = dmin * (minCodes[j] as number);
      const inverse = step ? 1 / step : 0;
      for (let l = 0; l < 32; l++) {
        const q = Math.max(
          0,
          Math.min(15, Math.round(((values[x + j * 32 + l] as number) + offset) * inverse)),
        );
        const at = qs + (j >> 1) * 32 + l;
        out[at] = (out[at] as number) | (j & 1 ? q << 4 : q);
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
