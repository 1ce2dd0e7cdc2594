import { describe, expect, it } from 'vitest';
import { FakeEngine } from '../generation/testing/fake-engine.js';
import { argmaxRows, forwardArgmaxViaLogits } from './argmax-rows.js';

describe('argmaxRows', () => {
  it('takes the first of tied maxima, never a NaN, and 0 for a row of only -Infinity/NaN', () => {
    const { NaN: nan, NEGATIVE_INFINITY: ninf } = Number;
    const logits = Float32Array.of(1, 3, 3, 2, nan, 0, nan, -1, ninf, ninf, nan, ninf, 5, 5, 5, 5);
    expect(Array.from(argmaxRows(logits, 4))).toEqual([1, 1, 0, 0]);
    expect(argmaxRows(new Float32Array(0), 4)).toEqual(new Int32Array(0));
  });

  it('with a mask: the first largest allowed logit, 0 when the allowed are all -Infinity/NaN, -1 when none is allowed', () => {
    const { NaN: nan, NEGATIVE_INFINITY: ninf } = Number;
    // 40-token rows: two mask words, the second one partly past the row.
    const row = (values: Record<number, number>) => {
      const out = new Float32Array(40).fill(-5);
      for (const [id, value] of Object.entries(values)) out[Number(id)] = value;
      return out;
    };
    const mask = (...ids: number[]) => {
      const bits = new Uint32Array(2);
      for (const id of ids) bits[id >>> 5]! |= 1 << (id & 31);
      return bits;
    };
    const take = (values: Record<number, number>, allowed: Uint32Array) =>
      argmaxRows(row(values), 40, allowed)[0];
    expect(take({ 3: 9, 7: 4, 35: 4 }, mask(7, 35))).toBe(7);
    expect(take({ 3: 9, 35: 6 }, mask(7, 35))).toBe(35);
    expect(take({ 1: nan, 2: ninf }, Uint32Array.of(0b110, 0))).toBe(0);
    expect(take({}, new Uint32Array(2))).toBe(-1);
    // Bits past the row allow nothing.
    expect(take({}, Uint32Array.of(0, 1 << 9))).toBe(-1);
    // Every row of a request shares its mask.
    const two = new Float32Array(80).fill(0);
    two[5] = 1;
    two[40 + 6] = 1;
    expect(Array.from(argmaxRows(two, 40, mask(5, 6)))).toEqual([5, 6]);
  });

  it('with one mask per row: each row picks within its own mask; RangeError unless one per row', () => {
    const rows = new Float32Array(3 * 40).fill(0);
    rows[3] = 4;
    rows[7] = 2;
    rows[40 + 3] = 4;
    rows[40 + 36] = 3;
    rows[80 + 3] = 4;
    const mask = (...ids: number[]) => {
      const bits = new Uint32Array(2);
      for (const id of ids) bits[id >>> 5]! |= 1 << (id & 31);
      return bits;
    };
    const perRow = [mask(3, 7), mask(7, 36), new Uint32Array(2)];
    expect(Array.from(argmaxRows(rows, 40, perRow))).toEqual([3, 36, -1]);
    expect(() => argmaxRows(rows, 40, perRow.slice(0, 2))).toThrow(RangeError);
  });

  it('forwardArgmaxViaLogits answers one id per row of each request, and advances the sequences', async () => {
    const engine = new FakeEngine({ vocabSize: 16 });
    const [a, b] = [engine.createSequence(), engine.createSequence()];
    const ids = await forwardArgmaxViaLogits(engine, [
      { seq: a, tokens: Int32Array.of(1, 2, 3), logitsFor: 'all' },
      { seq: b, tokens: Int32Array.of(15), logitsFor: 'last' },
    ]);
    expect(ids.map((row) => Array.from(row))).toEqual([[2, 3, 4], [0]]);
    expect([engine.sequenceLength(a), engine.sequenceLength(b)]).toEqual([3, 1]);
    const allowed = new Uint32Array(1);
    allowed[0] = (1 << 9) | (1 << 12);
    const masked = await forwardArgmaxViaLogits(engine, [
      { seq: a, tokens: Int32Array.of(4), logitsFor: 'last', allowed },
      { seq: b, tokens: Int32Array.of(15), logitsFor: 'last' },
    ]);
    // a's row peaks at 5, which the mask leaves out: the first allowed of the equal rest wins.
    expect(masked.map((row) => Array.from(row))).toEqual([[9], [0]]);
    // Row masks: a (now 4 tokens) peaks at 6, then 7; each row keeps to its own mask.
    const only = (id: number) => Uint32Array.of(1 << id);
    const perRow = await forwardArgmaxViaLogits(engine, [
      { seq: a, tokens: Int32Array.of(5, 6), logitsFor: 'all', allowed: [only(6), only(3)] },
    ]);
    expect(perRow.map((row) => Array.from(row))).toEqual([[6, 3]]);
    // Masks that are not one per row: RangeError before the forward, the sequence left as it was.
    await expect(
      forwardArgmaxViaLogits(engine, [
        { seq: a, tokens: Int32Array.of(7, 8), logitsFor: 'all', allowed: [only(1)] },
      ]),
    ).rejects.toThrow(RangeError);
    expect(engine.sequenceLength(a)).toBe(6);
  });
});
