import { floatToHalf, halfTableView, readHalf, writeHalfBits } from './half.js';

// block_q8_0 { f16 d; int8 qs[32]; }: x = d * q
const QK = 32;
const BLOCK_BYTES = 34;

export function dequantizeQ8_0(bytes: Uint8Array, count: number): Float32Array {
  const table = halfTableView();
  const out = new Float32Array(count);
  for (let b = 0; b < count / QK; b++) {
    const o = b * BLOCK_BYTES;
    const d = readHalf(table, bytes, o);
    for (let j = 0; j < QK; j++) out[b * QK + j] = d * (((bytes[o + 2 + j] as number) << 24) >> 24);
  }
  return out;
}

export function quantizeQ8_0(values: Float32Array): Uint8Array {
  const blocks = values.length / QK;
  const out = new Uint8Array(blocks * BLOCK_BYTES);
  for (let b = 0; b < blocks; b++) {
    let amax = 0;
    for (let j = 0; j < QK; j++) amax = Math.max(amax, Math.abs(values[b * QK + j] as number));
    const d = amax / 127;
    const inverse = d ? 1 / d : 0;
    const bits = floatToHalf(d);
    const o = b * BLOCK_BYTES;
    writeHalfBits(out, o, bits);
    for (let j = 0; j < QK; j++) {
      const scaled = (values[b * QK + j] as number) * inverse;
      // round half away from zero, as roundf does
      out[o + 2 + j] = (scaled < 0 ? -Math.floor(0.5 - scaled) : Math.floor(scaled + 0.5)) & 0xff;
    }
  }
  return out;
}
