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

  it('forwardArgmaxViaLogits answers one id per row of each request, and advances the sequences', async () => {
    const engine = new FakeEngine({ vocabSize: 16 });
    const [a, b] = [engine.createSequence(), engine.createSequence()];
    const ids = await forwardArgmaxViaLogits(engine, [
      { seq: a, tokens: Int32Array.of(1, 2, 3), logitsFor: 'all' },
      { seq: b, tokens: Int32Array.of(15), logitsFor: 'last' },
    ]);
    expect(ids.map((row) => Array.from(row))).toEqual([[2, 3, 4], [0]]);
    expect([engine.sequenceLength(a), engine.sequenceLength(b)]).toEqual([3, 1]);
  });
});
