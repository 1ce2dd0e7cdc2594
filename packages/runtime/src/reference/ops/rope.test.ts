import { describe, expect, it } from 'vitest';
import { applyRope, pairFrequency, type RopeParams } from './rope.js';

const rope = (overrides: Partial<RopeParams> = {}): RopeParams => ({
  style: 'normal',
  dims: 4,
  base: 10_000,
  scale: 1,
  ...overrides,
});

describe('applyRope', () => {
  it('leaves position 0 unchanged', () => {
    const x = Float32Array.of(1, 2, 3, 4);
    applyRope(x, 1, 4, 0, rope());
    expect([...x]).toEqual([1, 2, 3, 4]);
  });

  it("'normal' rotates adjacent pairs, 'neox' rotates halves", () => {
    const normal = Float32Array.of(1, 0, 1, 0);
    applyRope(normal, 1, 4, 1, rope());
    // pair 0 turns by 1 rad, pair 1 by 10000^(-2/4) = 0.01 rad
    expect(normal[0]).toBeCloseTo(Math.cos(1), 6);
    expect(normal[1]).toBeCloseTo(Math.sin(1), 6);
    expect(normal[2]).toBeCloseTo(Math.cos(0.01), 6);
    expect(normal[3]).toBeCloseTo(Math.sin(0.01), 6);

    const neox = Float32Array.of(1, 1, 0, 0);
    applyRope(neox, 1, 4, 1, rope({ style: 'neox' }));
    expect([...neox].map((v) => Number(v.toFixed(6)))).toEqual(
      [Math.cos(1), Math.cos(0.01), Math.sin(1), Math.sin(0.01)].map((v) => Number(v.toFixed(6))),
    );
  });

  it('rotates only the leading dims of every head, scaled and divided by the frequency factors', () => {
    const x = Float32Array.of(1, 0, 7, 8, 1, 0, 7, 8);
    applyRope(x, 2, 4, 3, rope({ dims: 2, scale: 0.5, freqFactors: Float32Array.of(3) }));
    for (const head of [0, 4]) {
      expect(x[head]).toBeCloseTo(Math.cos(0.5), 6);
      expect(x[head + 1]).toBeCloseTo(Math.sin(0.5), 6);
      expect([x[head + 2], x[head + 3]]).toEqual([7, 8]);
    }
  });
});

describe('pairFrequency', () => {
  it("ramps YaRN's pairs from the unscaled angle (below the range) to the scaled one (above it)", () => {
    const yarn = rope({ dims: 16, scale: 0.25, extFactor: 1, correction: [0, 3] });
    const unscaled = (i: number) => 10_000 ** (-(2 * i) / 16);
    expect(pairFrequency(yarn, 0)).toBeCloseTo(unscaled(0), 12);
    // ramp 1 − 1/3: two thirds unscaled, a third scaled
    expect(pairFrequency(yarn, 1)).toBeCloseTo(unscaled(1) * (0.25 / 3 + 2 / 3), 12);
    expect(pairFrequency(yarn, 5)).toBeCloseTo(unscaled(5) * 0.25, 12);
    expect(pairFrequency({ ...yarn, extFactor: 0 }, 0)).toBeCloseTo(0.25, 12);
  });

  it('multiplies cos and sin by the magnitude', () => {
    const x = Float32Array.of(1, 0, 0, 0);
    applyRope(x, 1, 4, 1, rope({ magnitude: 2 }));
    expect(x[0]).toBeCloseTo(2 * Math.cos(1), 6);
    expect(x[1]).toBeCloseTo(2 * Math.sin(1), 6);
  });
});
