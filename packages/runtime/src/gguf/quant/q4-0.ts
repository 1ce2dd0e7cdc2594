import { floatToHalf, halfTableView, readHalf, writeHalfBits } from './half.js';
import { largestMagnitude } from './largest-magnitude.js';

// block_q4_0 { f16 d; u8 qs[16]; }: low nibbles hold x[0..15], high nibbles x[16..31]; x = (q - 8) * d
const QK = 32;
const BLOCK_BYTES = 18;

export function dequantizeQ4_0(bytes: Uint8Array, count: number): Float32Array {
  const table = halfTableView();
  const out = new Float32Array(count);
  for (let b = 0; b < count / QK; b++) {
    const o = b * BLOCK_BYTES;
    const d = readHalf(table, bytes, o);
    for (let j = 0; j < QK / 2; j++) {
      const q = bytes[o + 2 + j] as number;
      out[b * QK + j] = ((q & 0x0f) - 8) * d;
      out[b * QK + j + QK / 2] = ((q >> 4) - 8) * d;
    }
  }
  return out;
}

export function quantizeQ4_0(values: Float32Array): Uint8Array {
  const blocks = values.length / QK;
  const out = new Uint8Array(blocks * BLOCK_BYTES);
  for (let b = 0; b < blocks; b++) {
    const d = largestMagnitude(values, b * QK, QK) / -8;
    const inverse = d ? 1 / d : 0;
    const bits = floatToHalf(d);
    const o = b * BLOCK_BYTES;
    writeHalfBits(out, o, bits);
    for (let j = 0; j < QK / 2; j++) {
      const low = Math.min(15, Math.trunc((values[b * QK + j] as number) * inverse + 8.5));
      const high = Math.min(15, Math.trunc((values[b * QK + j + QK / 2] as number) * inverse + 8.5));
      out[o + 2 + j] = low | (high << 4);
    }
  }
  return out;
}
