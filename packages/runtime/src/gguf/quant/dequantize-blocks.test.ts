import { ModelFormatError, UnsupportedError } from '@x/core';
import { describe, expect, it } from 'vitest';
import { GGMLType } from '../ggml-type.js';
import { dequantize } from '../tensor-data.js';
import { packScaleMinK4, scaleMinK4 } from './k-scale-min.js';

// Hand-built blocks following ggml's struct layouts (ggml-common.h), checked element by element.
const ONE = [0x00, 0x3c]; // f16 1.0
const HALF = [0x00, 0x38]; // f16 0.5

describe('dequantize hand-built blocks', () => {
  it('Q8_0: d * int8', () => {
    const qs = Array.from({ length: 32 }, (_, j) => (j - 16) & 0xff);
    const out = dequantize(GGMLType.Q8_0, new Uint8Array([...HALF, ...qs]), 32);
    expect(Array.from(out)).toEqual(Array.from({ length: 32 }, (_, j) => (j - 16) * 0.5));
  });

  it('Q4_0: low nibbles first half, high nibbles second half, minus 8', () => {
    const qs = Array.from({ length: 16 }, (_, j) => j | ((15 - j) << 4));
    const out = dequantize(GGMLType.Q4_0, new Uint8Array([...HALF, ...qs]), 32);
    expect(out[0]).toBe(-4);
    expect(out[15]).toBe(3.5);
    expect(out[16]).toBe(3.5);
    expect(out[31]).toBe(-4);
  });

  it('Q4_1: q * d + m', () => {
    const qs = Array.from({ length: 16 }, (_, j) => j | (j << 4));
    const out = dequantize(GGMLType.Q4_1, new Uint8Array([...HALF, ...ONE, ...qs]), 32);
    expect(out[3]).toBe(2.5);
    expect(out[19]).toBe(2.5);
  });

  it('Q5_0 and Q5_1: the fifth bit comes from qh bit j (first half) and j + 16 (second half)', () => {
    const qh = [0x01, 0x00, 0x01, 0x00]; // bits 0 and 16
    const qs = [0x21, ...new Array(15).fill(0)];
    const q5_0 = dequantize(GGMLType.Q5_0, new Uint8Array([...ONE, ...qh, ...qs]), 32);
    expect(q5_0[0]).toBe(1); // (1 | 16) - 16
    expect(q5_0[16]).toBe(2); // (2 | 16) - 16
    expect(q5_0[1]).toBe(-16);
    const q5_1 = dequantize(GGMLType.Q5_1, new Uint8Array([...ONE, ...HALF, ...qh, ...qs]), 32);
    expect(q5_1[0]).toBe(17.5);
    expect(q5_1[16]).toBe(18.5);
    expect(q5_1[1]).toBe(0.5);
  });

  it('packs and unpacks the 6-bit K scales', () => {
    const scales = [1, 63, 17, 32, 45, 2, 63, 0];
    const mins = [0, 5, 63, 40, 33, 63, 1, 62];
    const packed = new Uint8Array(12);
    packScaleMinK4(packed, 0, scales, mins);
    for (let j = 0; j < 8; j++) expect(scaleMinK4(packed, 0, j)).toEqual([scales[j], mins[j]]);
  });

  it('Q4_K and Q5_K: d * scale * q - dmin * min per sub-block of 32', () => {
    const scales = [1, 2, 3, 4, 5, 6, 7, 8];
    const mins = [0, 1, 0, 1, 0, 1, 0, 1];
    const packed = new Uint8Array(12);
    packScaleMinK4(packed, 0, scales, mins);
    const qs = new Uint8Array(128).fill(0x31); // low nibble 1, high nibble 3
    const q4k = dequantize(GGMLType.Q4_K, new Uint8Array([...ONE, ...HALF, ...packed, ...qs]), 256);
    for (let j = 0; j < 8; j++) {
      const q = j % 2 === 0 ? 1 : 3;
      expect(q4k[j * 32 + 5]).toBe((scales[j] as number) * q - 0.5 * (mins[j] as number));
    }
    const qh = new Uint8Array(32).fill(0b0000_0110); // 5th bit for sub-blocks 1 and 2
    const q5k = dequantize(GGMLType.Q5_K, new Uint8Array([...ONE, ...HALF, ...packed, ...qh, ...qs]), 256);
    expect(q5k[0]).toBe(1 * 1);
    expect(q5k[32]).toBe(2 * (3 + 16) - 0.5);
    expect(q5k[64]).toBe(3 * (1 + 16));
    expect(q5k[96]).toBe(4 * 3 - 0.5);
  });

  it('Q6_K: ql/qh split over two halves of 128, int8 scales per 16', () => {
    const block = new Uint8Array(210);
    block[0] = 0x21; // ql[0]: value 0 low nibble 1, value 64 high nibble 2
    block[32] = 0x43; // ql[32]: value 32 low nibble 3, value 96 high nibble 4
    block[128] = 0b11_10_01_00; // qh[0]: high bits 0,1,2,3 for values 0,32,64,96
    block[64] = 0x05; // second half ql[0]: value 128
    block[160] = 0b10; // second half qh[0]: high bits 2 for value 128
    for (let s = 0; s < 16; s++) block[192 + s] = s % 2 === 0 ? 2 : 0xfe; // +2, -2
    block[208] = HALF[0] as number;
    block[209] = HALF[1] as number;
    const out = dequantize(GGMLType.Q6_K, block, 256);
    expect(out[0]).toBe(0.5 * 2 * (1 - 32));
    expect(out[32]).toBe(0.5 * 2 * (3 + 16 - 32));
    expect(out[64]).toBe(0.5 * 2 * (2 + 32 - 32));
    expect(out[96]).toBe(0.5 * 2 * (4 + 48 - 32));
    expect(out[16]).toBe(0.5 * -2 * -32);
    expect(out[128]).toBe(0.5 * 2 * (5 + 32 - 32));
  });

  it('F32, F16 and BF16', () => {
    expect(
      Array.from(dequantize(GGMLType.F32, new Uint8Array(new Float32Array([1.5, -2]).buffer), 2)),
    ).toEqual([1.5, -2]);
    expect(Array.from(dequantize(GGMLType.F16, new Uint8Array([...ONE, ...HALF]), 2))).toEqual([1, 0.5]);
    expect(Array.from(dequantize(GGMLType.BF16, new Uint8Array([0x80, 0x3f, 0x40, 0xc0]), 2))).toEqual([
      1, -3,
    ]);
  });

  it('rejects wrong sizes and types it cannot expand', () => {
    expect(() => dequantize(GGMLType.Q8_0, new Uint8Array(33), 32)).toThrow(ModelFormatError);
    expect(() => dequantize(GGMLType.Q8_0, new Uint8Array(34), 31)).toThrow(ModelFormatError);
    expect(() => dequantize(GGMLType.IQ2_XXS, new Uint8Array(66), 256)).toThrow(UnsupportedError);
    expect(() => dequantize(99 as GGMLType, new Uint8Array(1), 1)).toThrow(ModelFormatError);
  });
});
