import { bf16ToFloat, floatBitsToHalf, floatToBF16, halfTableView, readHalf, writeHalfBits } from './half.js';

export function dequantizeF32(bytes: Uint8Array, count: number): Float32Array {
  const copy = new Uint8Array(count * 4);
  copy.set(bytes.subarray(0, count * 4));
  return new Float32Array(copy.buffer);
}

export function quantizeF32(values: Float32Array): Uint8Array {
  return new Uint8Array(values.slice().buffer);
}

export function dequantizeF16(bytes: Uint8Array, count: number): Float32Array {
  const table = halfTableView();
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = readHalf(table, bytes, 2 * i);
  return out;
}

export function quantizeF16(values: Float32Array): Uint8Array {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = floatBitsToHalf(bits[i] as number);
  return new Uint8Array(out.buffer);
}

export function dequantizeBF16(bytes: Uint8Array, count: number): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++)
    out[i] = bf16ToFloat((bytes[2 * i] as number) | ((bytes[2 * i + 1] as number) << 8));
  return out;
}

export function quantizeBF16(values: Float32Array): Uint8Array {
  const out = new Uint8Array(values.length * 2);
  for (let i = 0; i < values.length; i++) {
    const bits = floatToBF16(values[i] as number);
    writeHalfBits(out, 2 * i, bits);
  }
  return out;
}
