/** A seeded source of uniform floats in [0, 1). */
export type Prng = () => number;

/**
 * mulberry32 (Tommy Ettinger, public domain): a 32-bit state advanced by the Weyl constant
 * 0x6D2B79F5, then mixed by two xorshift-multiply rounds; the 32-bit output divided by 2^32.
 * Period 2^32, plenty for sampling. The seed is taken modulo 2^32 (after flooring), so equal
 * seeds always give the same stream on every platform.
 */
export function createPrng(seed: number): Prng {
  let state = Math.floor(seed) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seed for callers that gave none: different on every call. */
export function randomSeed(): number {
  return Math.floor(Math.random() * 4294967296);
}
