import { describe, expect, it } from 'vitest';
import { applyLogitBias } from './apply-logit-bias.js';
import { applyTokenMask } from './apply-token-mask.js';
import { argmax } from './argmax.js';
import { greedyPick } from './greedy-pick.js';
import { createPrng } from './prng.js';

/** The slow twin: copy, mask, bias, argmax, as the sampler's general path runs them. */
function slowPick(row: Float32Array, mask?: Uint32Array, bias?: Record<number, number>): number {
  const copy = Float32Array.from(row);
  if (mask) applyTokenMask(copy, mask);
  if (bias) applyLogitBias(copy, bias);
  return argmax(copy);
}

const asMap = (bias?: Record<number, number>) =>
  bias && new Map(Object.entries(bias).map(([id, value]) => [Number(id), value]));

describe('greedyPick', () => {
  it('agrees with mask, bias and argmax run in turn on random rows, masks, biases and ties', () => {
    const random = createPrng(3);
    for (let trial = 0; trial < 400; trial++) {
      const n = 1 + Math.floor(random() * 100);
      // Few distinct values, so ties are common; some -Infinity and NaN.
      const row = Float32Array.from({ length: n }, () => {
        const r = random();
        if (r < 0.03) return Number.NaN;
        if (r < 0.06) return Number.NEGATIVE_INFINITY;
        return Math.floor(random() * 6) / 3;
      });
      const mask =
        random() < 0.7
          ? Uint32Array.from({ length: Math.ceil(n / 32) - (random() < 0.2 ? 1 : 0) }, () => {
              const r = random();
              return r < 0.2 ? 0 : r < 0.4 ? 0xffffffff : Math.floor(random() * 2 ** 32);
            })
          : undefined;
      const bias: Record<number, number> = {};
      for (let k = Math.floor(random() * 4); k > 0; k--) {
        const choices = [-1e9, Number.NEGATIVE_INFINITY, -0.4, 1 / 3, 0.7, 2, 1e-8, 0];
        bias[Math.floor(random() * n)] = choices[Math.floor(random() * choices.length)]!;
      }
      const useBias = Object.keys(bias).length > 0 ? bias : undefined;
      expect(greedyPick(row, mask, asMap(useBias)), `trial ${trial}`).toBe(slowPick(row, mask, useBias));
    }
  });

  it('lets a raised token win over a higher one before it, and a ban lose', () => {
    const row = new Float32Array([0, 3, 2.5, 1]);
    expect(greedyPick(row, undefined, asMap({ 3: 2.5 }))).toBe(3);
    expect(greedyPick(row, undefined, asMap({ 3: 2 }))).toBe(1);
    expect(greedyPick(row, undefined, asMap({ 3: 2, 1: Number.NEGATIVE_INFINITY }))).toBe(3);
    expect(greedyPick(row, undefined, asMap({ 1: -1e9 }))).toBe(2);
    // 2.5 + 0.5 ties with 3: the lower id wins.
    expect(greedyPick(row, undefined, asMap({ 2: 0.5 }))).toBe(1);
    expect(greedyPick(row, Uint32Array.of(0b1001), asMap({ 2: 5 }))).toBe(3);
  });

  it('rounds a biased logit to float32 as the copied row stores it', () => {
    // 1 + 2^-30 is 1 in float32, so token 1 ties with token 0 and loses to the lower id.
    const row = new Float32Array([1, 1]);
    expect(greedyPick(row, undefined, asMap({ 1: 2 ** -30 }))).toBe(
      slowPick(row, undefined, { 1: 2 ** -30 }),
    );
    expect(greedyPick(row, undefined, asMap({ 1: 2 ** -30 }))).toBe(0);
  });

  it('answers 0 when every token is left out, as argmax of an all -Infinity row does', () => {
    expect(greedyPick(new Float32Array([1, 2, 3]), Uint32Array.of(0), undefined)).toBe(0);
    expect(greedyPick(new Float32Array(40).fill(1), new Uint32Array(1), undefined)).toBe(0);
  });
});
