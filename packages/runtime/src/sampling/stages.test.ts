import { describe, expect, it } from 'vitest';
import { applyLogitBias } from './apply-logit-bias.js';
import { applyMinP } from './apply-min-p.js';
import { applyPenalties } from './apply-penalties.js';
import { applyTemperature } from './apply-temperature.js';
import { applyTokenMask } from './apply-token-mask.js';
import { applyTopP } from './apply-top-p.js';
import { argmax } from './argmax.js';
import { type Candidates, candidatesFromLogits } from './candidates.js';
import { selectTopK } from './select-top-k.js';
import { softmax } from './softmax.js';

// Probabilities 0.1, 0.2, 0.3, 0.4 for ids 0..3.
const quarters = () => new Float32Array([Math.log(1), Math.log(2), Math.log(3), Math.log(4)]);

describe('argmax', () => {
  it('picks the highest logit and breaks ties toward the lowest id', () => {
    expect(argmax(new Float32Array([0, 3, 1, 3]))).toBe(1);
    expect(argmax(new Float32Array([-5, -1, -1]))).toBe(1);
  });
});

describe('selectTopK', () => {
  it('returns the k best sorted, ties by lower id', () => {
    const top = selectTopK(candidatesFromLogits(new Float32Array([1, 5, 3, 5, 2, 4])), 3);
    expect(Array.from(top.ids.subarray(0, top.length))).toEqual([1, 3, 5]);
    expect(Array.from(top.logits.subarray(0, top.length))).toEqual([5, 5, 4]);
    expect(top.sorted).toBe(true);
  });

  it('agrees with a full sort on a large random row', () => {
    const row = new Float32Array(150_000);
    let x = 12345;
    for (let i = 0; i < row.length; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      row[i] = (x % 1000) / 10;
    }
    const top = selectTopK(candidatesFromLogits(row), 40);
    const expected = Array.from(row.keys())
      .sort((a, b) => row[b]! - row[a]! || a - b)
      .slice(0, 40);
    expect(Array.from(top.ids.subarray(0, 40))).toEqual(expected);
  });
});

describe('softmax', () => {
  it('normalizes exp of the logits', () => {
    const p = softmax(candidatesFromLogits(quarters()));
    expect(Array.from(p).map((v) => Number(v.toFixed(6)))).toEqual([0.1, 0.2, 0.3, 0.4]);
  });
});

describe('applyTopP', () => {
  const keptIds = (c: Candidates) => Array.from(c.ids.subarray(0, c.length)).sort((a, b) => a - b);

  it('keeps the best-first set including the token that crosses p', () => {
    // sorted 0.4, 0.3 → 0.7 >= 0.5 keeps ids 3 and 2
    expect(keptIds(applyTopP(candidatesFromLogits(quarters()), 0.5))).toEqual([2, 3]);
    expect(keptIds(applyTopP(candidatesFromLogits(quarters()), 0.95))).toEqual([0, 1, 2, 3]);
    expect(keptIds(applyTopP(candidatesFromLogits(quarters()), 0.35))).toEqual([3]);
  });

  it('keeps a sorted prefix for sorted input', () => {
    const sorted = selectTopK(candidatesFromLogits(quarters()), 4);
    const kept = applyTopP(sorted, 0.5);
    expect(Array.from(kept.ids.subarray(0, kept.length))).toEqual([3, 2]);
    expect(kept.sorted).toBe(true);
  });

  it('breaks ties by lower id on a flat row', () => {
    expect(keptIds(applyTopP(candidatesFromLogits(new Float32Array(1000)), 0.5))).toEqual(
      Array.from({ length: 500 }, (_, i) => i),
    );
  });

  it('matches a sort-based nucleus on a large random row', () => {
    const row = new Float32Array(50_000).map((_, i) => Math.sin(i * 12.9898) * 6);
    const order = Array.from(row.keys()).sort((a, b) => row[b]! - row[a]! || a - b);
    const max = row[order[0]!]!;
    const total = order.reduce((sum, i) => sum + Math.exp(row[i]! - max), 0);
    let cumulative = 0;
    const expected: number[] = [];
    for (const i of order) {
      expected.push(i);
      cumulative += Math.exp(row[i]! - max);
      if (cumulative >= 0.9 * total) break;
    }
    expect(keptIds(applyTopP(candidatesFromLogits(row), 0.9))).toEqual(expected.sort((a, b) => a - b));
  });
});

describe('applyMinP', () => {
  it('keeps tokens with p >= minP * pmax', () => {
    // pmax 0.4; minP 0.45 → keep p >= 0.18: ids 1, 2, 3; minP 0.6 → keep p >= 0.24: ids 2, 3
    const kept = applyMinP(candidatesFromLogits(quarters()), 0.45);
    expect(Array.from(kept.ids.subarray(0, kept.length))).toEqual([1, 2, 3]);
    const fewer = applyMinP(candidatesFromLogits(quarters()), 0.6);
    expect(Array.from(fewer.ids.subarray(0, fewer.length))).toEqual([2, 3]);
  });
});

describe('applyTemperature', () => {
  it('divides logits without touching the input', () => {
    const input = candidatesFromLogits(new Float32Array([2, 4]));
    const scaled = applyTemperature(input, 2);
    expect(Array.from(scaled.logits)).toEqual([1, 2]);
    expect(Array.from(input.logits)).toEqual([2, 4]);
  });
});

describe('applyPenalties', () => {
  it('follows llama.cpp: divide positive, multiply negative, then frequency and presence', () => {
    const logits = new Float32Array([2, -2, 2, 1]);
    // window 3 sees [0, 1, 1]; id 2 (before the window) is untouched
    applyPenalties(logits, [2, 0, 1, 1], { repetition: 2, presence: 0.5, frequency: 0.25, window: 3 });
    expect(Array.from(logits)).toEqual([2 / 2 - 0.25 - 0.5, -2 * 2 - 0.5 - 0.5, 2, 1]);
  });
});

describe('applyLogitBias', () => {
  it('adds biases and can ban a token', () => {
    const logits = new Float32Array([1, 1, 1]);
    applyLogitBias(logits, { 0: Number.NEGATIVE_INFINITY, 2: 0.5 });
    expect(Array.from(logits)).toEqual([Number.NEGATIVE_INFINITY, 1, 1.5]);
  });
});

describe('applyTokenMask', () => {
  it('keeps exactly the allowed ids, across whole, empty and partial words and past the mask', () => {
    const logits = Float32Array.from({ length: 100 }, (_, i) => i);
    const mask = Uint32Array.of(0xffffffff, 0, 0b101);
    applyTokenMask(logits, mask);
    const kept = [...logits.keys()].filter((id) => logits[id] !== Number.NEGATIVE_INFINITY);
    expect(kept).toEqual([...Array.from({ length: 32 }, (_, i) => i), 64, 66]);
  });
});
