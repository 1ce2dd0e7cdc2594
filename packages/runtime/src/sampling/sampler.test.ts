import { describe, expect, it } from 'vitest';
import { BAN_LOGIT_BIAS } from './ban-mask.js';
import { createPrng } from './prng.js';
import { createSampler } from './sampler.js';

const quarters = new Float32Array([Math.log(1), Math.log(2), Math.log(3), Math.log(4)]);

function frequencies(draw: () => number, n: number, vocab: number): number[] {
  const counts = new Array<number>(vocab).fill(0);
  for (let i = 0; i < n; i++) counts[draw()]!++;
  return counts.map((c) => c / n);
}

function expectClose(actual: number[], expected: number[], tolerance = 0.015): void {
  expect(actual.length).toBe(expected.length);
  for (const [i, value] of actual.entries()) expect(Math.abs(value - expected[i]!)).toBeLessThan(tolerance);
}

describe('createPrng', () => {
  it('is mulberry32: fixed first outputs for seed 42', () => {
    const random = createPrng(42);
    const first = [random(), random(), random()].map((v) => Math.floor(v * 4294967296));
    // mulberry32(42) reference values
    expect(first).toEqual([2581720956, 1925393290, 3661312704]);
  });

  it('gives floats in [0, 1)', () => {
    const random = createPrng(7);
    for (let i = 0; i < 1000; i++) {
      const v = random();
      expect(v >= 0 && v < 1).toBe(true);
    }
  });
});

describe('createSampler', () => {
  it('is greedy by default and ignores the seed then', () => {
    expect(createSampler().sample(quarters)).toBe(3);
    expect(createSampler({ seed: 1, temperature: 0 }).sample(new Float32Array([5, 5, 1]))).toBe(0);
  });

  it('applies bias and penalties before the greedy pick', () => {
    expect(createSampler({ logitBias: { 3: Number.NEGATIVE_INFINITY } }).sample(quarters)).toBe(2);
    // ln4 / 4 < ln3: the repeated token loses its lead
    expect(createSampler({ repetitionPenalty: 4 }).sample(quarters, [3])).toBe(2);
    // outside the window the penalty does not apply
    expect(createSampler({ repetitionPenalty: 4, penaltyWindow: 1 }).sample(quarters, [3, 0])).toBe(3);
  });

  it('does not modify the logits row', () => {
    const row = Float32Array.from(quarters);
    createSampler({ temperature: 0.7, repetitionPenalty: 2, logitBias: { 1: 3 }, seed: 1 }).sample(row, [3]);
    expect(Array.from(row)).toEqual(Array.from(quarters));
  });

  it('samples temperature 1 from the softmax', () => {
    const sampler = createSampler({ temperature: 1, seed: 1234 });
    expectClose(
      frequencies(() => sampler.sample(quarters), 40_000, 4),
      [0.1, 0.2, 0.3, 0.4],
    );
  });

  it('sharpens with temperature 0.5 (p ∝ p^2)', () => {
    const sampler = createSampler({ temperature: 0.5, seed: 99 });
    expectClose(
      frequencies(() => sampler.sample(quarters), 40_000, 4),
      [1 / 30, 4 / 30, 9 / 30, 16 / 30],
    );
  });

  it('renormalizes over top-k, top-p and min-p survivors', () => {
    const topK = createSampler({ temperature: 1, topK: 2, seed: 5 });
    expectClose(
      frequencies(() => topK.sample(quarters), 40_000, 4),
      [0, 0, 3 / 7, 4 / 7],
    );
    const topP = createSampler({ temperature: 1, topP: 0.5, seed: 6 });
    expectClose(
      frequencies(() => topP.sample(quarters), 40_000, 4),
      [0, 0, 3 / 7, 4 / 7],
    );
    const minP = createSampler({ temperature: 1, minP: 0.45, seed: 7 });
    expectClose(
      frequencies(() => minP.sample(quarters), 40_000, 4),
      [0, 2 / 9, 3 / 9, 4 / 9],
    );
  });

  it('reproduces the same tokens for the same seed, and differs for another', () => {
    const row = new Float32Array(1000).map((_, i) => Math.sin(i) * 3);
    const run = (seed: number) => {
      const sampler = createSampler({ temperature: 1.2, topK: 50, topP: 0.9, seed });
      return Array.from({ length: 64 }, () => sampler.sample(row));
    };
    expect(run(11)).toEqual(run(11));
    expect(run(11)).not.toEqual(run(12));
  });

  it('rejects out-of-range options with RangeError', () => {
    expect(() => createSampler({ temperature: -1 })).toThrow(RangeError);
    expect(() => createSampler({ topP: 0 })).toThrow(RangeError);
    expect(() => createSampler({ topK: 1.5 })).toThrow(RangeError);
    expect(() => createSampler({ logitBias: { [-1]: 1 } })).toThrow(RangeError);
    expect(() => createSampler({ logitBias: { 9: 1 } }).sample(quarters)).toThrow(RangeError);
  });
});

describe('createSampler with a token mask', () => {
  const mask = Uint32Array.of(0b1010); // tokens 1 and 3
  const logits = Float32Array.of(9, 1, 8, 2, 7);

  it('picks greedily among the allowed tokens only, leaving the row untouched', () => {
    expect(createSampler().sample(logits, [], mask)).toBe(3);
    expect(Array.from(logits)).toEqual([9, 1, 8, 2, 7]);
  });

  it('draws only allowed tokens, the same ones for the same seed', () => {
    const draw = (seed: number) => {
      const sampler = createSampler({ temperature: 1.5, topK: 4, seed });
      return Array.from({ length: 50 }, () => sampler.sample(logits, [], mask));
    };
    const first = draw(7);
    expect(new Set(first)).toEqual(new Set([1, 3]));
    expect(draw(7)).toEqual(first);
  });
});

describe('logit biases at or below BAN_LOGIT_BIAS ban their tokens', () => {
  // Token 3 leads by 150: an added -100 would leave it ahead, a ban never picks it.
  const row = Float32Array.of(1, 2, 0, 152);

  it('leave the token out while another is allowed, greedy or sampled', () => {
    expect(createSampler({ logitBias: { 3: BAN_LOGIT_BIAS } }).sample(row)).toBe(1);
    expect(createSampler({ logitBias: { 3: -99 } }).sample(row)).toBe(3);
    expect(createSampler({ logitBias: { 3: -1e9, 1: -1e9 } }).sample(row)).toBe(0);
    expect(createSampler({ logitBias: { 3: -100, 0: 5 } }).sample(row)).toBe(0);
    // With a mask: the ban comes off what the mask allows.
    expect(createSampler({ logitBias: { 3: -100 } }).sample(row, [], Uint32Array.of(0b1100))).toBe(2);
    for (let seed = 0; seed < 20; seed++)
      expect(createSampler({ temperature: 1, seed, logitBias: { 3: -100 } }).sample(row)).not.toBe(3);
    expect(createSampler({ repetitionPenalty: 3, logitBias: { 3: -100 } }).sample(row, [1])).toBe(0);
  });

  it('add their bias as any other when they would leave no token', () => {
    // Every allowed token banned: 3 - 100 = 52 beats 1 - 100.
    expect(createSampler({ logitBias: { 3: -100 } }).sample(row, [], Uint32Array.of(0b1000))).toBe(3);
    expect(createSampler({ logitBias: { 0: -100, 3: -200 } }).sample(row, [], Uint32Array.of(0b1001))).toBe(
      3,
    );
    // -Infinity as before: no allowed token is above -Infinity, so the one-pass pick keeps id 0.
    expect(
      createSampler({ logitBias: { 3: Number.NEGATIVE_INFINITY } }).sample(row, [], Uint32Array.of(0b1000)),
    ).toBe(0);
  });

  it('bannedTokens is set for greedy picks whose bias only bans, ascending', () => {
    expect(createSampler({ logitBias: { 7: -100, 2: Number.NEGATIVE_INFINITY } }).bannedTokens).toEqual([
      2, 7,
    ]);
    expect(createSampler({ logitBias: { 7: -100 } }).argmaxOnly).toBe(false);
    expect(createSampler({}).bannedTokens).toBeUndefined();
    expect(createSampler({ logitBias: { 7: -99 } }).bannedTokens).toBeUndefined();
    expect(createSampler({ logitBias: { 7: -100, 2: 1 } }).bannedTokens).toBeUndefined();
    expect(createSampler({ logitBias: { 7: -100 }, temperature: 0.5 }).bannedTokens).toBeUndefined();
    expect(createSampler({ logitBias: { 7: -100 }, presencePenalty: 1 }).bannedTokens).toBeUndefined();
  });
});
