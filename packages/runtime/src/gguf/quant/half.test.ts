import { describe, expect, it } from 'vitest';
import {
  bf16ToFloat,
  floatToBF16,
  floatToHalf,
  halfTableView,
  halfToFloat,
  readHalf,
  writeHalfBits,
} from './half.js';

describe('half and bfloat16 conversions', () => {
  it('encodes known half values, rounding to nearest even', () => {
    expect(floatToHalf(1)).toBe(0x3c00);
    expect(floatToHalf(-2)).toBe(0xc000);
    expect(floatToHalf(65504)).toBe(0x7bff);
    expect(floatToHalf(65520)).toBe(0x7c00);
    expect(floatToHalf(2 ** -24)).toBe(0x0001);
    expect(floatToHalf(2 ** -26)).toBe(0);
    expect(floatToHalf(0.1)).toBe(0x2e66);
    expect(floatToHalf(1 + 2 ** -11)).toBe(0x3c00);
    expect(floatToHalf(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(Number.isNaN(halfToFloat(floatToHalf(Number.NaN)))).toBe(true);
    expect(halfToFloat(0x3555)).toBeCloseTo(0.333251953125, 12);
  });

  it('round-trips every non-NaN half and bfloat16 bit pattern', () => {
    for (let bits = 0; bits < 65536; bits++) {
      const half = halfToFloat(bits);
      if (!Number.isNaN(half)) expect(floatToHalf(half)).toBe(bits);
      const brain = bf16ToFloat(bits);
      if (!Number.isNaN(brain)) expect(floatToBF16(brain)).toBe(bits);
    }
  });

  it('rounds bfloat16 to nearest even', () => {
    expect(floatToBF16(1)).toBe(0x3f80);
    expect(floatToBF16(1 + 2 ** -8)).toBe(0x3f80);
    expect(floatToBF16(1 + 3 * 2 ** -8)).toBe(0x3f82);
    expect(bf16ToFloat(0xc040)).toBe(-3);
  });

  it('writes half bits little-endian and reads them back through the table', () => {
    const bytes = new Uint8Array(5);
    writeHalfBits(bytes, 1, floatToHalf(-2));
    expect([...bytes]).toEqual([0, 0x00, 0xc0, 0, 0]);
    expect(readHalf(halfTableView(), bytes, 1)).toBe(-2);
  });
});
